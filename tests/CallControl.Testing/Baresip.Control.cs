using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallControl.Testing;

/// <summary>The ctrl_tcp control channel: commands with their responses, and the event stream.</summary>
public sealed partial class Baresip
{
    private const string DtmfKeys = "0123456789*#ABCDabcd";

    private readonly object _sync = new();
    private readonly SemaphoreSlim _commandGate = new(1, 1);
    private readonly List<ReportedEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpClient? _control;
    private Task? _reader;
    private string? _controlClosed;
    private string? _pendingToken;
    private TaskCompletionSource<CommandResponse>? _pendingResponse;
    private int _nextToken;

    /// <summary>Every event reported so far, oldest first.</summary>
    public IReadOnlyList<BaresipEvent> Events
    {
        get
        {
            lock (_sync)
            {
                return [.. _events.Select(e => e.Event)];
            }
        }
    }

    private bool IsControlOpen
    {
        get
        {
            lock (_sync)
            {
                return _control is not null && _controlClosed is null;
            }
        }
    }

    /// <summary>Calls <paramref name="uri"/> (<c>dial</c>); the call becomes the current one.</summary>
    public Task DialAsync(string uri) => CommandAsync("dial", uri);

    /// <summary>Answers the ringing call (<c>accept</c>).</summary>
    public Task AnswerAsync() => CommandAsync("accept");

    /// <summary>Ends the current call (<c>hangup</c>).</summary>
    public Task HangupAsync() => CommandAsync("hangup");

    /// <summary>Puts the current call on hold: a re-INVITE offering <c>a=sendonly</c> (<c>hold</c>).</summary>
    public Task HoldAsync() => CommandAsync("hold");

    /// <summary>Takes the current call off hold: a re-INVITE offering <c>a=sendrecv</c> (<c>resume</c>).</summary>
    public Task ResumeAsync() => CommandAsync("resume");

    /// <summary>
    /// Asks the peer of the current call, by REFER, to call <paramref name="uri"/> instead (<c>transfer</c>).
    /// When the peer accepts, this station's call closes with the reason "Call transfered".
    /// </summary>
    public Task TransferAsync(string uri) => CommandAsync("transfer", uri);

    /// <summary>
    /// Sends DTMF digits on the current call as RFC 4733 telephone-events (<c>sndcode</c>); baresip paces
    /// them itself, about 240 ms per digit.
    /// </summary>
    /// <param name="digits">One or more of 0–9, *, # and A–D.</param>
    public Task SendDigitsAsync(string digits)
    {
        if (digits.Length == 0 || !digits.All(DtmfKeys.Contains))
        {
            throw new ArgumentException($"'{digits}' is not a sequence of DTMF keys ({DtmfKeys}).", nameof(digits));
        }

        return CommandAsync("sndcode", digits);
    }

    /// <summary>Changes how incoming calls are answered from now on (<c>answermode</c>).</summary>
    public Task SetAnswerModeAsync(BaresipAnswerMode mode) =>
        CommandAsync("answermode", mode.ToString().ToLowerInvariant());

    /// <summary>Makes the call with <paramref name="callId"/> (see <see cref="BaresipEvent.CallId"/>) the current one (<c>callfind</c>).</summary>
    /// <exception cref="InvalidOperationException">The station has no such call.</exception>
    public async Task SelectCallAsync(string callId)
    {
        var answer = await CommandAsync("callfind", callId);
        if (answer.Contains("call not found", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{this} has no call {callId}: {answer.Trim()}");
        }
    }

    /// <summary>baresip's table of the station's calls and their states (<c>listcalls</c>).</summary>
    public Task<string> ListCallsAsync() => CommandAsync("listcalls");

    /// <summary>
    /// Runs any command of baresip's menu module (<c>help</c> lists them) and returns its printed answer.
    /// Commands are sent one at a time, each after the previous one's response.
    /// </summary>
    /// <exception cref="InvalidOperationException">baresip answered that the command failed.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="BaresipOptions.CommandTimeout"/>.</exception>
    public async Task<string> CommandAsync(string command, string? parameters = null)
    {
        var line = parameters is null ? command : $"{command} {parameters}";

        await _commandGate.WaitAsync();
        try
        {
            var token = Interlocked.Increment(ref _nextToken).ToString(CultureInfo.InvariantCulture);
            var response = new TaskCompletionSource<CommandResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            NetworkStream stream;
            lock (_sync)
            {
                if (_control is null || _controlClosed is not null)
                {
                    throw new InvalidOperationException($"{this} cannot run '{line}': its control channel is closed ({_controlClosed}).\n{Describe()}");
                }

                stream = _control.GetStream();
                _pendingToken = token;
                _pendingResponse = response;
            }

            var message = new JsonObject { ["command"] = command, ["token"] = token };
            if (parameters is not null)
            {
                message["params"] = parameters;
            }

            await stream.WriteAsync(Netstring.Encode(message.ToJsonString()));
            CommandResponse answer;
            try
            {
                answer = await response.Task.WaitAsync(Options.CommandTimeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{this} did not answer '{line}' within {Options.CommandTimeout.TotalSeconds:0.#} s.\n{Describe()}");
            }

            if (!answer.Ok)
            {
                throw new InvalidOperationException($"{this} refused '{line}': {answer.Data}\n{Describe()}");
            }

            return answer.Data;
        }
        finally
        {
            lock (_sync)
            {
                _pendingToken = null;
                _pendingResponse = null;
            }

            _commandGate.Release();
        }
    }

    /// <summary>
    /// Waits for the earliest event matching <paramref name="match"/> that no earlier wait returned, whether it
    /// arrived before this call or arrives within <paramref name="timeout"/>. Each event is returned at most
    /// once, so waiting twice for the same kind of event finds two of them.
    /// </summary>
    /// <exception cref="TimeoutException">No such event in time; the message lists the events and baresip's output tail.</exception>
    /// <exception cref="InvalidOperationException">The control channel closed (baresip exited) first.</exception>
    public Task<BaresipEvent> WaitForEventAsync(Func<BaresipEvent, bool> match, TimeSpan timeout) =>
        WaitForEventAsync(match, timeout, "event matching the condition");

    /// <summary>Waits for the earliest not yet returned event of type <typeparamref name="TEvent"/> that matches <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">No such event in time; the message lists the events and baresip's output tail.</exception>
    public async Task<TEvent> WaitForEventAsync<TEvent>(TimeSpan timeout, Func<TEvent, bool>? match = null)
        where TEvent : BaresipEvent
    {
        var wanted = match is null ? $"{typeof(TEvent).Name} event" : $"{typeof(TEvent).Name} event matching the condition";
        return (TEvent)await WaitForEventAsync(e => e is TEvent typed && (match is null || match(typed)), timeout, wanted);
    }

    private async Task<BaresipEvent> WaitForEventAsync(Func<BaresipEvent, bool> match, TimeSpan timeout, string wanted)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                foreach (var reported in _events)
                {
                    if (!reported.Returned && match(reported.Event))
                    {
                        reported.Returned = true;
                        return reported.Event;
                    }
                }

                if (_controlClosed is not null)
                {
                    throw new InvalidOperationException($"{this} closed its control channel ({_controlClosed}) before any {wanted}.\n{Describe()}");
                }

                changed = _changed.Task;
            }

            var now = Stopwatch.GetTimestamp();
            if (now >= deadline)
            {
                throw new TimeoutException($"{this} reported no {wanted} within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
            }

            await Task.WhenAny(changed, Task.Delay(Stopwatch.GetElapsedTime(now, deadline)));
        }
    }

    private async Task<bool> TryOpenControlAsync()
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ControlPort), attempt.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
            return false;
        }

        lock (_sync)
        {
            _control = client;
        }

        _reader = Task.Run(() => ReadControlAsync(client.GetStream()));
        return true;
    }

    private async Task ReadControlAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        var count = 0;
        string reason;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = await stream.ReadAsync(buffer.AsMemory(count));
                if (read == 0)
                {
                    reason = "baresip closed the connection";
                    break;
                }

                count += read;
                var offset = 0;
                while (Netstring.TryRead(buffer.AsSpan(offset, count - offset), out var payload, out var consumed))
                {
                    var (start, length) = payload.GetOffsetAndLength(count - offset);
                    Receive(buffer.AsMemory(offset + start, length));
                    offset += consumed;
                }

                buffer.AsSpan(offset, count - offset).CopyTo(buffer);
                count -= offset;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or NetstringFormatException or JsonException)
        {
            reason = e.Message;
        }

        lock (_sync)
        {
            _controlClosed ??= reason;
            _pendingResponse?.TrySetException(new IOException($"{this} closed its control channel: {reason}"));
            Signal();
        }
    }

    private void Receive(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var message = document.RootElement;
        if (message.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.True)
        {
            var token = Text(message, "token");
            var ok = message.TryGetProperty("ok", out var o) && o.ValueKind == JsonValueKind.True;
            var data = Text(message, "data") ?? string.Empty;
            lock (_sync)
            {
                if (token is not null && token == _pendingToken)
                {
                    _pendingResponse?.TrySetResult(new CommandResponse(ok, data));
                }
            }

            return;
        }

        if (message.TryGetProperty("event", out var isEvent) && isEvent.ValueKind == JsonValueKind.True)
        {
            var reported = BaresipEvent.FromJson(message);
            lock (_sync)
            {
                _events.Add(new ReportedEvent(reported));
                Signal();
            }
        }
    }

    private static string? Text(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Wakes every waiter; called under <see cref="_sync"/>.</summary>
    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private async Task CloseControlAsync()
    {
        TcpClient? control;
        lock (_sync)
        {
            control = _control;
            _controlClosed ??= "the station was disposed";
        }

        control?.Dispose();
        if (_reader is not null)
        {
            await _reader;
        }

        _commandGate.Dispose();
    }

    private sealed record CommandResponse(bool Ok, string Data);

    private sealed class ReportedEvent(BaresipEvent reported)
    {
        public BaresipEvent Event { get; } = reported;

        public bool Returned { get; set; }
    }
}
