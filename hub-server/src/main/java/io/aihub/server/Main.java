package io.aihub.server;

import io.aihub.server.cli.AccountsCommand;
import io.aihub.server.cli.AdminClient;
import io.aihub.server.cli.AgentsCommand;
import io.aihub.server.cli.KeysCommand;
import io.aihub.server.cli.TasksCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * The jar's command line: {@code serve} (also what no command means), {@code dev}, and the admin commands
 * that call a running hub. A command that runs a hub returns once it serves and leaves the process running;
 * every other command ends the process with its exit code: 0 done, 1 refused or failed, 2 bad usage.
 */
@Command(
        name = "hub",
        description = "AI Hub: a self-hosted server for the Nevermined Query Protocol.",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        subcommands = {
            ServeCommand.class,
            DevCommand.class,
            AccountsCommand.class,
            KeysCommand.class,
            AgentsCommand.class,
            TasksCommand.class
        })
public final class Main implements Callable<Integer> {
    @Override
    public Integer call() {
        return new ServeCommand().call();
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int code = cli.execute(args);
        if (code != 0 || !runsAHub(cli.getParseResult())) {
            if (!HubLauncher.launchedAHub()) { // else the hub's drain, which the exit runs, stops the logging
                LogShutdown.stop();
            }
            System.exit(code);
        }
    }

    /** The command line, with its error handling: a hub's refusal or absence is a message, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            String message = switch (e) {
                case AdminClient.Refused refused -> refused.getMessage() + " (HTTP " + refused.status() + ")";
                case AdminClient.Unreachable unreachable -> unreachable.getMessage();
                default -> e.toString();
            };
            command.getErr().println("error: " + message);
            command.getErr().flush();
            return 1;
        });
        return cli;
    }

    private static boolean runsAHub(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        Object command = last.commandSpec().userObject();
        return (command instanceof Main || command instanceof ServeCommand || command instanceof DevCommand)
                && !last.isUsageHelpRequested()
                && !last.isVersionHelpRequested();
    }

    /** The jar's version, from its manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"AI Hub " + (version == null ? "(development build)" : version)};
        }
    }
}
