package crm.devserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Local development / test MongoDB-wire-compatible server for the CRM platform.
 *
 * <p>Thin launcher around mongo-java-server (de.bwaldvogel). NOT for production: production uses a
 * real MongoDB replica set, selected only by changing MONGO_URL. See docs/adr/0001-embedded-mongodb.md.
 *
 * <pre>
 * java -jar target/mongo-dev-server.jar [--host H] [--port N] [--data FILE | --memory] [--oplog] [--log-level L]
 *
 * env (flags win over env):
 *   MONGO_DEV_HOST       bind address             (default 127.0.0.1)
 *   MONGO_DEV_PORT       TCP port                 (default 27017; 0 = pick a free port)
 *   MONGO_DEV_DATA       H2 MVStore file           (default .data/mongo/crm.mv, relative to the cwd)
 *   MONGO_DEV_MEMORY     "1"/"true" = in-memory backend, nothing persisted
 *   MONGO_DEV_OPLOG      "1"/"true" = keep an oplog so change streams (watch) work; the oplog is NOT capped
 *   MONGO_DEV_LOG_LEVEL  trace|debug|info|warn|error|off (default warn)
 * </pre>
 *
 * <p>Reports MongoDB 4.4.0 / maxWireVersion 9 (minimum accepted by the mongodb 7.x Node driver).
 * Prints exactly one line {@code mongo-dev-server listening on <host>:<port>} on stdout when it accepts
 * connections. SIGTERM / SIGINT close the listener, the client connections and the H2 store (flushing it).
 */
public final class DevMongoServer {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 27017;
    static final String DEFAULT_DATA = ".data/mongo/crm.mv";

    private DevMongoServer() {
    }

    static final class Options {
        String host = env("MONGO_DEV_HOST", DEFAULT_HOST);
        String port = env("MONGO_DEV_PORT", String.valueOf(DEFAULT_PORT));
        String data = env("MONGO_DEV_DATA", DEFAULT_DATA);
        boolean memory = isTrue(env("MONGO_DEV_MEMORY", "false"));
        boolean oplog = isTrue(env("MONGO_DEV_OPLOG", "false"));
        String logLevel = env("MONGO_DEV_LOG_LEVEL", "warn");
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mongo-dev-server: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }

        // Must happen before the first slf4j logger is created (i.e. before touching mongo-java-server classes).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", o.logLevel);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");

        int port;
        try {
            port = Integer.parseInt(o.port.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println("mongo-dev-server: invalid port '" + o.port + "'");
            System.exit(2);
            return;
        }

        try {
            run(o, port);
        } catch (Exception e) {
            System.err.println("mongo-dev-server: failed to start: " + e);
            System.exit(1);
        }
    }

    private static void run(Options o, int port) throws IOException, InterruptedException {
        de.bwaldvogel.mongo.backend.AbstractMongoBackend backend;
        String storage;
        if (o.memory) {
            backend = new de.bwaldvogel.mongo.backend.memory.MemoryBackend();
            storage = "memory";
        } else {
            Path file = Paths.get(o.data).toAbsolutePath().normalize();
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            backend = new de.bwaldvogel.mongo.backend.h2.H2Backend(file.toString());
            storage = "h2:" + file;
        }
        // mongo-java-server's newest built-in ServerVersion (MONGO_5_0) reports wire version 8, but the Node driver
        // used by mongoose 9 (mongodb 7.x) refuses servers below wire version 9 (MongoDB 4.4). MongoVersion is the
        // library's public extension point for this, so we report 4.4.0 / wire 9: the lowest the driver accepts.
        backend.version(ReportedVersion.INSTANCE);

        de.bwaldvogel.mongo.MongoServer server = new de.bwaldvogel.mongo.MongoServer(backend);
        if (o.oplog) {
            // Opt-in: change streams need the oplog (local.oplog.rs). It is never truncated, so it grows forever.
            server.enableOplog();
        }
        try {
            server.bind(o.host, port);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // stopListening + close clients + shutdown event loops + backend.close() (closes/flushes MVStore)
                server.shutdownNow();
                System.err.println("mongo-dev-server stopped");
            } catch (RuntimeException e) {
                System.err.println("mongo-dev-server: error during shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "mongo-dev-server-shutdown"));

        java.net.InetSocketAddress addr = server.getLocalAddress();
        System.err.println("mongo-dev-server storage=" + storage + " oplog=" + o.oplog + " reportedVersion="
            + ReportedVersion.INSTANCE.toVersionString() + " maxWireVersion=" + ReportedVersion.INSTANCE.getWireVersion());
        System.out.println("mongo-dev-server listening on " + o.host + ":" + addr.getPort());
        System.out.flush();

        // Netty threads are non-daemon, but park main explicitly so the process lifetime is obvious.
        stopped.await();
    }

    /** Version announced in the hello/buildInfo handshake. */
    enum ReportedVersion implements de.bwaldvogel.mongo.MongoVersion {
        INSTANCE;

        @Override
        public java.util.List<Integer> getVersionArray() {
            return java.util.List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--host":
                    o.host = value != null ? value : next(args, ++i, a);
                    break;
                case "--port":
                    o.port = value != null ? value : next(args, ++i, a);
                    break;
                case "--data":
                    o.data = value != null ? value : next(args, ++i, a);
                    o.memory = false;
                    break;
                case "--memory":
                    o.memory = true;
                    break;
                case "--oplog":
                    o.oplog = true;
                    break;
                case "--log-level":
                    o.logLevel = value != null ? value : next(args, ++i, a);
                    break;
                case "-h":
                case "--help":
                    usage();
                    System.exit(0);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        o.logLevel = o.logLevel.toLowerCase(Locale.ROOT);
        return o;
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static boolean isTrue(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes");
    }

    private static void usage() {
        System.err.println(String.join(System.lineSeparator(),
            "usage: java -jar mongo-dev-server.jar [--host H] [--port N] [--data FILE | --memory] [--oplog] [--log-level L]",
            "  env: MONGO_DEV_HOST (127.0.0.1), MONGO_DEV_PORT (27017), MONGO_DEV_DATA (.data/mongo/crm.mv),",
            "       MONGO_DEV_MEMORY (false), MONGO_DEV_OPLOG (false), MONGO_DEV_LOG_LEVEL (warn)"));
    }
}
