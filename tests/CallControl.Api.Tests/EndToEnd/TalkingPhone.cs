using CallControl.Testing;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>
/// A SIPp phone whose media the test plays (<see cref="PhoneMedia"/>): once the service has called it, it talks
/// with a tone of its own, so a test can tell by ear who hears whom.
/// </summary>
public sealed class TalkingPhone : IAsyncDisposable
{
    /// <summary>The music on hold's two tones (the service's default pattern): no phone talks on them.</summary>
    public static readonly IReadOnlyList<double> MusicTones = [440, 659.25];

    private TalkingPhone(Sipp sipp, PhoneMedia media, double tone)
    {
        Sipp = sipp;
        Media = media;
        Tone = tone;
    }

    public Sipp Sipp { get; }

    public PhoneMedia Media { get; }

    /// <summary>The frequency this phone talks on.</summary>
    public double Tone { get; }

    /// <summary>Where the service takes this phone's media, once <see cref="TalkAsync"/> has read it.</summary>
    public ServiceMedia? Service { get; private set; }

    public static async Task<TalkingPhone> StartAsync(
        CallControlStack stack, double tone, string scenario = "phone.xml", IReadOnlyDictionary<string, string>? keys = null)
    {
        var media = PhoneMedia.Open();
        try
        {
            return new TalkingPhone(await stack.PhoneAsync(scenario, media.Port, keys: keys), media, tone);
        }
        catch
        {
            await media.DisposeAsync();
            throw;
        }
    }

    public string Uri(string user) => CallControlStack.Uri(Sipp, user);

    /// <summary>Once the service has called this phone: sends its tone to the service's media address for the call.</summary>
    public async Task<ServiceMedia> TalkAsync()
    {
        Service = await ServiceMedia.OfferedToAsync(Sipp);
        Media.SendTo(Service);
        Media.Play(Tone);
        return Service;
    }

    /// <summary>Waits until what reaches this phone is <paramref name="other"/>'s voice alone.</summary>
    public Task HearsAsync(TalkingPhone other, IEnumerable<TalkingPhone> everyone, string what) =>
        Media.HearsAsync(
            Media.Mark(),
            other.Tone,
            [.. everyone.Where(p => p != other).Select(p => p.Tone), .. MusicTones],
            what);

    /// <summary>Waits until what reaches this phone is the music on hold.</summary>
    public Task HearsMusicAsync(IEnumerable<TalkingPhone> everyone, string what) =>
        Media.WaitForAsync(
            Media.Mark(),
            since =>
            {
                // Long enough to hold both of the music's tones, which take turns every half second.
                var audio = PhoneMedia.Audio(since, TimeSpan.FromMilliseconds(1200));
                if (audio.Length < 1200 * 8)
                {
                    return false;
                }

                var voices = everyone.Select(p => p.Tone).ToList();
                return PhoneMedia.Dominant(audio, MusicTones[0], voices) && PhoneMedia.Dominant(audio, MusicTones[1], voices);
            },
            what);

    /// <summary>Waits for SIPp to finish its call and says whether it saw the whole of it.</summary>
    public async Task<SippResult> FinishedAsync() => await Sipp.WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Everything the phone sent and received, as SIPp logged it.</summary>
    public string Messages() => Directory.GetFiles(Sipp.WorkingDirectory, "*messages.log").Select(File.ReadAllText).SingleOrDefault() ?? "";

    public async ValueTask DisposeAsync()
    {
        await Sipp.DisposeAsync();
        await Media.DisposeAsync();
    }
}
