using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace CallControl.Testing;

/// <summary>
/// A private RabbitMQ broker for one test class (<c>IClassFixture&lt;RabbitMqBroker&gt;</c>): a real node from
/// Debian's <c>rabbitmq-server</c> with its own name, free loopback ports, its own epmd, cookie, data and logs in
/// a temporary folder, and no plugins (so no management or prometheus listener). The node can be restarted on the
/// same port and data, so durable queues and persistent messages survive it. Disposing stops every process it
/// started and deletes the folder.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    /// <summary>The temporary folders start with this; test.sh clears the ones an interrupted run left.</summary>
    public const string DirectoryPrefix = "callcontrol-test-rabbitmq-";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _scripts = FindScriptsDirectory();
    private readonly StringBuilder _output = new();
    private readonly int _epmdPort;
    private Process? _epmd;
    private Process? _node;

    public RabbitMqBroker()
    {
        NodeName = $"cc-test-{Guid.NewGuid().ToString("N")[..10]}@localhost";
        Port = LoopbackPorts.Free();
        DistributionPort = LoopbackPorts.Free();
        _epmdPort = LoopbackPorts.Free();
    }

    public string Host => "127.0.0.1";

    /// <summary>The AMQP port; the same for the broker's whole life, restarts included.</summary>
    public int Port { get; }

    public string VirtualHost => "/";

    /// <summary>RabbitMQ lets the default user in only over loopback, which is where the broker listens.</summary>
    public string Username => "guest";

    public string Password => "guest";

    public string NodeName { get; }

    /// <summary>The Erlang distribution port <c>rabbitmqctl</c> reaches the node on.</summary>
    public int DistributionPort { get; }

    /// <summary>The <c>Messaging</c> configuration that puts a host on this broker, keys in <c>:</c> form.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["Messaging:RabbitMq:Host"] = Host,
        ["Messaging:RabbitMq:Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Messaging:RabbitMq:VirtualHost"] = VirtualHost,
        ["Messaging:RabbitMq:Username"] = Username,
        ["Messaging:RabbitMq:Password"] = Password,
    };

    /// <summary>What the broker printed, and its log file, for failure messages.</summary>
    public string Log
    {
        get
        {
            string printed;
            lock (_output)
            {
                printed = _output.ToString();
            }

            var logFile = Path.Combine(_root, "log", NodeName + ".log");
            return File.Exists(logFile) ? printed + "\n--- " + logFile + "\n" + ReadShared(logFile) : printed;
        }
    }

    private string MnesiaBase => Path.Combine(_root, "mnesia");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(MnesiaBase);
        Directory.CreateDirectory(Path.Combine(_root, "log"));

        // The AMQP listener comes from here; nothing in this file depends on a plugin, so it validates without any.
        await File.WriteAllTextAsync(
            Path.Combine(_root, "rabbitmq.conf"),
            $"""
            listeners.tcp.default = {Host}:{Port}
            log.console = false
            log.file.level = info
            """);

        // An empty list: the broker starts no plugin, so neither the management nor the prometheus listener.
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].");

        // Keeps /etc/rabbitmq/rabbitmq-env.conf (the machine's broker's settings) out of this node's start.
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq-env.conf"), string.Empty);

        StartEpmd();
        await StartAsync();
    }

    /// <summary>
    /// Stops the node completely (the Erlang VM exits) and starts it again with the same name, port and data
    /// folder, then waits until it has booted. Clients see their connections closed and must reconnect.
    /// </summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Stops the node; it stays down until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_node is null)
        {
            return;
        }

        var node = _node;
        _node = null;
        if (!node.HasExited)
        {
            // The start script stops the node gracefully on SIGTERM (as `rabbitmqctl stop` would) and exits after it.
            await SignalAsync(node.Id, "TERM");
            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await node.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
            }
        }

        node.Dispose();
        KillStrays(except: _epmd);
    }

    /// <summary>Starts the node (again) and waits until <c>rabbitmqctl await_startup</c> says it has booted.</summary>
    public async Task StartAsync()
    {
        if (_node is not null)
        {
            throw new InvalidOperationException("The broker is already running.");
        }

        var info = NewStartInfo("rabbitmq-server");
        var node = new Process { StartInfo = info, EnableRaisingEvents = true };
        node.OutputDataReceived += (_, e) => Append(e.Data);
        node.ErrorDataReceived += (_, e) => Append(e.Data);
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        _node = node;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (node.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with code {node.ExitCode} while starting:\n{Log}");
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"RabbitMQ node {NodeName} did not boot within {StartTimeout}:\n{Log}");
            }

            // await_startup waits for a node that is booting, but fails at once while the VM has not yet registered
            // the node's name with epmd: ask again until it waits.
            var seconds = Math.Max(1, (int)remaining.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            var (exitCode, _) = await RunCtlAsync(["await_startup", "--timeout", seconds], remaining + TimeSpan.FromSeconds(5));
            if (exitCode == 0)
            {
                return;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Runs <c>rabbitmqctl</c> against this node; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunCtlAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = NewStartInfo("rabbitmqctl");
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(NodeName);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var ctl = Process.Start(info) ?? throw new InvalidOperationException("rabbitmqctl did not start.");
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await ctl.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            ctl.Kill(entireProcessTree: true);
            await ctl.WaitForExitAsync();
        }

        return (ctl.ExitCode, await stdout + await stderr);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_epmd is not null)
            {
                if (!_epmd.HasExited)
                {
                    _epmd.Kill();
                    await _epmd.WaitForExitAsync();
                }

                _epmd.Dispose();
                _epmd = null;
            }

            KillStrays(except: null);
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    /// <summary>
    /// The node and its CLI find each other through epmd. A private one on its own port keeps this broker's
    /// processes apart from any other Erlang node on the machine, and it can be ended with the broker.
    /// </summary>
    private void StartEpmd()
    {
        var info = new ProcessStartInfo("epmd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-address");
        info.ArgumentList.Add("127.0.0.1");
        info.ArgumentList.Add("-port");
        info.ArgumentList.Add(_epmdPort.ToString(CultureInfo.InvariantCulture));
        info.Environment["HOME"] = _root;
        _epmd = new Process { StartInfo = info };
        _epmd.OutputDataReceived += (_, e) => Append(e.Data);
        _epmd.ErrorDataReceived += (_, e) => Append(e.Data);
        _epmd.Start();
        _epmd.BeginOutputReadLine();
        _epmd.BeginErrorReadLine();
    }

    /// <summary>
    /// The package's scripts under /usr/lib/rabbitmq/bin run as the calling user. Its /usr/sbin wrappers would
    /// switch to the rabbitmq user when called as root (tests run as root in CI) and drop this node's environment.
    /// </summary>
    private ProcessStartInfo NewStartInfo(string script)
    {
        var info = new ProcessStartInfo(Path.Combine(_scripts, script))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };

        var environment = info.Environment;
        environment["HOME"] = _root; // the Erlang cookie is made here by the node and read here by rabbitmqctl
        environment["RABBITMQ_NODENAME"] = NodeName;
        environment["RABBITMQ_NODE_IP_ADDRESS"] = Host;
        environment["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        environment["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture);
        environment["RABBITMQ_MNESIA_BASE"] = MnesiaBase;
        environment["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log");
        environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq.conf");
        environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_root, "advanced.config");
        environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins");
        environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_root, "rabbitmq-env.conf");
        environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";

        // The CLI's own distribution listener: any free port, rather than the fixed 35672-35682 every CLI shares.
        environment["RABBITMQ_CTL_DIST_PORT_MIN"] = "0";
        environment["RABBITMQ_CTL_DIST_PORT_MAX"] = "0";
        environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        environment["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
        return info;
    }

    /// <summary>
    /// Kills what is left of this broker's processes: every process whose HOME is this broker's folder (the VM and
    /// its helpers, an epmd the VM may have started itself, a hung rabbitmqctl). Nothing else has that HOME.
    /// </summary>
    private void KillStrays(Process? except)
    {
        var home = Encoding.UTF8.GetBytes("HOME=" + _root);
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId
                || (except is { HasExited: false } && except.Id == pid))
            {
                continue;
            }

            byte[] environ;
            try
            {
                environ = File.ReadAllBytes(Path.Combine(entry, "environ"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // gone already, or not ours to read
            }

            if (HasVariable(environ, home))
            {
                try
                {
                    using var stray = Process.GetProcessById(pid);
                    stray.Kill();
                    stray.WaitForExit(TimeSpan.FromSeconds(5));
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // It exited between the look and the kill.
                }
            }
        }
    }

    private static bool HasVariable(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> variable)
    {
        foreach (var range in environ.Split((byte)0))
        {
            if (environ[range].SequenceEqual(variable))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static string FindScriptsDirectory()
    {
        const string debian = "/usr/lib/rabbitmq/bin";
        if (File.Exists(Path.Combine(debian, "rabbitmq-server")))
        {
            return debian;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "rabbitmq-server")));
        return onPath ?? throw new InvalidOperationException(
            "rabbitmq-server is not installed: run ./test.sh (it installs the Debian package rabbitmq-server) or apt-get install rabbitmq-server.");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
