using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

public static class MediaWorkerServiceCollectionExtensions
{
    /// <summary>The media worker with its options checked at start: a bad setting stops the host with its reason.</summary>
    public static IServiceCollection AddMediaWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaWorkerOptions>()
            .Bind(configuration.GetSection(MediaWorkerOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaWorkerOptions>, MediaWorkerOptionsValidator>();
        services.AddHostedService<MediaWorkerService>();
        return services;
    }

    private sealed class MediaWorkerOptionsValidator : IValidateOptions<MediaWorkerOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediaWorkerOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
