// Command vigil-ferretdb runs an embedded FerretDB 1.24 (MongoDB wire protocol)
// server for Vigil development, tests and the zero-configuration default.
//
// It exists because `go install` of FerretDB's own command panics on a missing
// build/version/version.txt file; embedding github.com/FerretDB/FerretDB/ferretdb
// in our own main avoids that code path.
//
// Contract (see README.md):
//   - exactly one JSON line on stdout once the server accepts connections:
//     {"ready":true,"uri":"mongodb://127.0.0.1:PORT/","backend":"sqlite","pid":1234}
//   - everything else (logs, errors) goes to stderr;
//   - exit 0 after SIGTERM/SIGINT, 2 for invalid configuration, 1 for runtime failures.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// launcherVersion is the version of this launcher (not of FerretDB).
const launcherVersion = "0.1.0"

const (
	progName = "vigil-ferretdb"

	ferretModule = "github.com/FerretDB/FerretDB"

	exitOK      = 0
	exitRuntime = 1
	exitConfig  = 2

	// How long start-up checks may take.
	pgCheckTimeout    = 10 * time.Second
	readyDialTimeout  = 10 * time.Second
	readyDialInterval = 50 * time.Millisecond
)

// exitError carries an exit code and a one-line message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func configErr(format string, args ...any) error {
	return &exitError{code: exitConfig, msg: oneLine(fmt.Sprintf(format, args...))}
}

func runtimeErr(format string, args ...any) error {
	return &exitError{code: exitRuntime, msg: oneLine(fmt.Sprintf(format, args...))}
}

// dedupLines joins the distinct lines of s with "; ".
// pgx reports one line per connection attempt (e.g. TLS, then plain), often identical.
func dedupLines(s string) string {
	var res []string

	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !slices.Contains(res, l) {
			res = append(res, l)
		}
	}

	var b strings.Builder

	for i, l := range res {
		if i > 0 {
			if strings.HasSuffix(res[i-1], ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}

		b.WriteString(l)
	}

	return b.String()
}

// lazyErrorRe matches FerretDB's internal "[file.go:123 pkg.Func] " error location prefixes.
var lazyErrorRe = regexp.MustCompile(`\[[\w.-]+\.go:\d+ [^\]]*\] `)

// stripLazyErrors removes FerretDB's error location prefixes from s.
func stripLazyErrors(s string) string {
	return lazyErrorRe.ReplaceAllString(s, "")
}

// oneLine collapses a (possibly multi-line) message into a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// launchOptions holds parsed command-line flags.
type launchOptions struct {
	backend       string
	sqliteDir     string
	postgresqlURL string
	listenAddr    string
	tlsCert       string
	tlsKey        string
	tlsCA         string
	// Built from the three above: the launcher's listener serves TLS itself (wire_proxy.go).
	tlsConfig *tls.Config
	logLevel  slog.Level
	version   bool
	// pushdownIndexes: keep GIN indexes FerretDB's equality pushdown can use (pushdown_indexes.go).
	pushdownIndexes bool
	// gcPercent and memoryLimit tune Go's garbage collector (applyGCSettings); nil: the environment's GOGC/GOMEMLIMIT rule.
	gcPercent   *int
	memoryLimit *int64
}

// readyLine is the single JSON line written to stdout once the server accepts connections.
// Field order is part of the contract.
type readyLine struct {
	Ready   bool   `json:"ready"`
	URI     string `json:"uri"`
	Backend string `json:"backend"`
	PID     int    `json:"pid"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	err := run(ctx, stop, os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}

	code := exitRuntime
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}

	if code != exitOK {
		fmt.Fprintf(os.Stderr, "%s: %s\n", progName, oneLine(err.Error()))
	}

	stop()
	os.Exit(code)
}

// usage writes help text.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\n", progName)
	fmt.Fprintf(w, "Runs an embedded FerretDB %s (MongoDB wire protocol) server.\n", ferretDBVersion())
	fmt.Fprintf(w, "Prints one JSON ready line on stdout once it accepts connections; logs go to stderr.\n\n")
	fmt.Fprintf(w, "Flags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  %s\n    \t%s", strings.TrimSpace("--"+f.Name+" "+name), help)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	fmt.Fprintf(w, "\nExit codes: 0 stopped by SIGTERM/SIGINT, 1 runtime failure, 2 invalid configuration.\n")
}

// parseFlags parses and validates command-line flags.
// It returns (nil, nil) when help was requested and printed.
func parseFlags(args []string, stderr io.Writer) (*launchOptions, error) {
	fs := flag.NewFlagSet(progName, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // we print our own one-line errors

	var o launchOptions
	var logLevel string

	fs.StringVar(&o.backend, "backend", "sqlite", "storage backend: `sqlite|postgresql`")
	fs.StringVar(&o.sqliteDir, "sqlite-dir", "", "SQLite data `DIR`ectory (created 0700 if missing); required for --backend sqlite")
	fs.StringVar(&o.postgresqlURL, "postgresql-url", "", "PostgreSQL connection `URL` (postgres://...); required for --backend postgresql")
	fs.StringVar(&o.listenAddr, "listen-addr", "127.0.0.1:27017", "listen address `HOST:PORT`; port 0 picks a free port")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS server certificate PEM `FILE`; with --tls-key, serves the wire protocol over TLS only")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS server private key PEM `FILE`")
	fs.StringVar(&o.tlsCA, "tls-ca", "", "TLS CA certificate PEM `FILE`; when set, clients MUST present a certificate signed by it")
	fs.StringVar(&logLevel, "log-level", "warn", "log level: `debug|info|warn|error` (logs go to stderr)")
	fs.BoolVar(&o.version, "version", false, "print launcher and FerretDB versions and exit")
	gcPercent := fs.Int("gc-percent", defaultGCPercent, "Go garbage collector target `PERCENT` (GOGC); -1 turns it off below --memory-limit")
	memoryLimit := fs.String("memory-limit", defaultMemoryLimit, "soft limit of the launcher's heap (GOMEMLIMIT): `SIZE` in bytes or with KiB, MiB or GiB; 0 for none")
	fs.BoolVar(&o.pushdownIndexes, "pushdown-indexes", true, "with --backend postgresql: add a GIN index for _id and every indexed field, so equality filters use an index (`true|false`)")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, stderr)
			return nil, nil
		}

		return nil, configErr("%s (see --help)", err)
	}

	if fs.NArg() > 0 {
		return nil, configErr("unexpected argument %q (see --help)", fs.Arg(0))
	}

	if o.version {
		return &o, nil
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	if *gcPercent < -1 || *gcPercent == 0 {
		return nil, configErr("invalid --gc-percent %d: want a positive number, or -1 for off", *gcPercent)
	}

	limit, err := parseSize(*memoryLimit)
	if err != nil {
		return nil, configErr("invalid --memory-limit %q: %s", *memoryLimit, err)
	}

	// The environment's GOGC and GOMEMLIMIT, read by the Go runtime itself, win over the defaults; flags win over both.
	if set["gc-percent"] || os.Getenv("GOGC") == "" {
		o.gcPercent = gcPercent
	}

	if set["memory-limit"] || os.Getenv("GOMEMLIMIT") == "" {
		o.memoryLimit = &limit
	}

	switch strings.ToLower(logLevel) {
	case "debug":
		o.logLevel = slog.LevelDebug
	case "info":
		o.logLevel = slog.LevelInfo
	case "warn", "warning":
		o.logLevel = slog.LevelWarn
	case "error":
		o.logLevel = slog.LevelError
	default:
		return nil, configErr("invalid --log-level %q: want debug, info, warn or error", logLevel)
	}

	switch o.backend {
	case "sqlite":
		if set["postgresql-url"] {
			return nil, configErr("--postgresql-url is only valid with --backend postgresql")
		}

		if o.sqliteDir == "" {
			return nil, configErr("--sqlite-dir is required with --backend sqlite")
		}

		// FerretDB builds per-database "file:" URIs by plain string concatenation
		// and globs the directory, so refuse characters that would be misparsed.
		if strings.ContainsAny(o.sqliteDir, "?#%*[\\\n\r") {
			return nil, configErr("--sqlite-dir %q contains a character FerretDB cannot handle (one of ? # %% * [ \\ or a newline)", o.sqliteDir)
		}

	case "postgresql":
		if set["sqlite-dir"] {
			return nil, configErr("--sqlite-dir is only valid with --backend sqlite")
		}

		if o.postgresqlURL == "" {
			return nil, configErr("--postgresql-url is required with --backend postgresql")
		}

		u, err := url.Parse(o.postgresqlURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, configErr("invalid --postgresql-url: want a URL like postgres://user@host:5432/dbname")
		}

		if _, err := pgxpool.ParseConfig(o.postgresqlURL); err != nil {
			return nil, configErr("invalid --postgresql-url %s: %s", redactURL(o.postgresqlURL), err)
		}

	default:
		return nil, configErr("invalid --backend %q: want sqlite or postgresql", o.backend)
	}

	// An empty host means all interfaces, as with net.Listen.
	_, port, err := net.SplitHostPort(o.listenAddr)
	if err != nil {
		return nil, configErr("invalid --listen-addr %q: want HOST:PORT (%s)", o.listenAddr, err)
	}

	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p > 65535 {
		return nil, configErr("invalid --listen-addr %q: port must be a number 0-65535", o.listenAddr)
	}

	switch {
	case o.tlsCert == "" && o.tlsKey == "":
		if o.tlsCA != "" {
			return nil, configErr("--tls-ca requires --tls-cert and --tls-key")
		}

	case o.tlsCert == "" || o.tlsKey == "":
		return nil, configErr("--tls-cert and --tls-key must be given together")

	default:
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, configErr("cannot load --tls-cert %q / --tls-key %q: %s", o.tlsCert, o.tlsKey, err)
		}

		o.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

		if o.tlsCA != "" {
			b, err := os.ReadFile(o.tlsCA)
			if err != nil {
				return nil, configErr("cannot read --tls-ca: %s", err)
			}

			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(b) {
				return nil, configErr("--tls-ca %q contains no PEM certificate", o.tlsCA)
			}

			o.tlsConfig.ClientAuth = tls.RequireAndVerifyClientCert
			o.tlsConfig.ClientCAs = pool
		}
	}

	return &o, nil
}

// FerretDB 1.24 decodes every document it reads from PostgreSQL through encoding/json into short-lived values, and
// with Go's default GOGC of 100 the collector takes about half its CPU (README "Findings list at a million
// findings": 50 findings per read, 32 clients, 60/s at 100, 140/s with the collector held off). A higher target,
// capped by a soft heap limit, trades some hundred megabytes for that CPU.
const (
	defaultGCPercent   = 1000
	defaultMemoryLimit = "1GiB"
)

// parseSize parses a byte count with an optional KiB, MiB or GiB suffix; 0 means no limit.
func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

	factor := int64(1)
	number := strings.TrimSpace(v)

	for _, u := range units {
		if strings.HasSuffix(number, u.suffix) {
			factor, number = u.factor, strings.TrimSpace(strings.TrimSuffix(number, u.suffix))
			break
		}
	}

	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/factor {
		return 0, errors.New("want a size like 1073741824, 512MiB or 1GiB")
	}

	if n == 0 {
		return math.MaxInt64, nil
	}

	return n * factor, nil
}

// applyGCSettings sets the collector's target and soft limit chosen by parseFlags.
func applyGCSettings(o *launchOptions) {
	if o.gcPercent != nil {
		debug.SetGCPercent(*o.gcPercent)
	}

	if o.memoryLimit != nil {
		debug.SetMemoryLimit(*o.memoryLimit)
	}
}

// redactURL returns the URL with any password replaced by "xxxxx".
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}

	return u.Redacted()
}

// ferretDBVersion returns the FerretDB module version linked into this binary.
// The embedded package itself reports "unknown", so read it from the build info. build.sh links a copy of the
// module (a directory replacement, which has no version of its own): the version is the one go.mod requires.
func ferretDBVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == ferretModule {
				if d.Replace != nil && d.Replace.Version != "" && d.Replace.Version != "(devel)" {
					return d.Replace.Version
				}

				return d.Version
			}
		}
	}

	return "unknown"
}

// prepareSQLiteDir makes sure the data directory exists and is writable,
// and returns the "file:" URL FerretDB expects (a directory URL ending in "/").
func prepareSQLiteDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", runtimeErr("--sqlite-dir %q: %s", dir, err)
	}

	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err = os.MkdirAll(abs, 0o700); err != nil {
			return "", runtimeErr("cannot create --sqlite-dir: %s", err)
		}

	case err != nil:
		return "", runtimeErr("cannot use --sqlite-dir: %s", err)

	case !fi.IsDir():
		return "", runtimeErr("--sqlite-dir %q exists and is not a directory", abs)
	}

	// FerretDB only notices an unwritable directory on the first write; check now.
	f, err := os.CreateTemp(abs, ".vigil-ferretdb-probe-*")
	if err != nil {
		return "", runtimeErr("--sqlite-dir %q is not writable: %s", abs, err)
	}

	name := f.Name()
	_ = f.Close()
	_ = os.Remove(name)

	return "file:" + filepath.ToSlash(abs) + "/", nil
}

// demoteHandler logs FerretDB's known-benign warnings at debug level.
//
// FerretDB 1.24 races when a client disconnects: a goroutine sets a deadline on the
// already-closed connection and logs `Failed to set deadline: ... use of closed network
// connection` at WARN (~1 in 6 disconnects, including our own readiness probe).
type demoteHandler struct {
	slog.Handler
	min slog.Level
}

func (h *demoteHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min
}

func (h *demoteHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn &&
		strings.HasPrefix(r.Message, "Failed to set deadline") &&
		strings.Contains(r.Message, "use of closed network connection") {
		if slog.LevelDebug < h.min {
			return nil
		}

		r.Level = slog.LevelDebug
	}

	return h.Handler.Handle(ctx, r)
}

func (h *demoteHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &demoteHandler{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h *demoteHandler) WithGroup(name string) slog.Handler {
	return &demoteHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}

// FerretDB's own PostgreSQL requirements (internal/backends/postgresql/metadata/pool/opendb.go).
var (
	pgEncoding = "UTF8"
	pgLocales  = []string{"POSIX", "C", "C.UTF8", "en_US.UTF8"}
)

func pgSimplify(v string) string {
	return strings.ToLower(strings.ReplaceAll(v, "-", ""))
}

// checkPostgreSQL connects to PostgreSQL once and applies the same settings checks FerretDB does.
// FerretDB itself connects lazily (on the first client request), so without this a bad URL
// would only show up as errors returned to MongoDB clients.
func checkPostgreSQL(ctx context.Context, rawURL string) error {
	redacted := redactURL(rawURL)

	cfg, err := pgxpool.ParseConfig(rawURL) // strips pool_* parameters FerretDB accepts
	if err != nil {
		return configErr("invalid --postgresql-url %s: %s", redacted, err)
	}

	ctx, cancel := context.WithTimeout(ctx, pgCheckTimeout)
	defer cancel()

	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return runtimeErr("cannot connect to PostgreSQL %s: %s", redacted, dedupLines(err.Error()))
	}

	defer conn.Close(context.Background())

	rows, err := conn.Query(ctx, "SHOW ALL")
	if err != nil {
		return runtimeErr("cannot query PostgreSQL %s: %s", redacted, err)
	}
	defer rows.Close()

	for rows.Next() {
		values, err := rows.Values()
		if err != nil {
			return runtimeErr("cannot query PostgreSQL %s: %s", redacted, err)
		}

		if len(values) < 2 {
			continue
		}

		n, _ := values[0].(string)
		v, _ := values[1].(string)

		switch n {
		case "server_encoding", "client_encoding":
			if pgSimplify(v) != pgSimplify(pgEncoding) {
				return runtimeErr("PostgreSQL %s: %s is %q; FerretDB requires %s", redacted, n, v, pgEncoding)
			}
		case "lc_collate", "lc_ctype":
			if !slices.ContainsFunc(pgLocales, func(l string) bool { return pgSimplify(v) == pgSimplify(l) }) {
				return runtimeErr("PostgreSQL %s: %s is %q; FerretDB requires one of %v", redacted, n, v, pgLocales)
			}
		case "standard_conforming_strings":
			if v != "on" {
				return runtimeErr("PostgreSQL %s: standard_conforming_strings is %q; FerretDB requires on", redacted, v)
			}
		}
	}

	if err = rows.Err(); err != nil {
		return runtimeErr("cannot query PostgreSQL %s: %s", redacted, err)
	}

	return nil
}

// dialAddr returns an address suitable for dialing the given listen address
// (HOST:PORT as reported by the listener): unspecified hosts (0.0.0.0, ::) become 127.0.0.1.
func dialAddr(listenAddr string) (string, error) {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "", err
	}

	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}

	return net.JoinHostPort(host, port), nil
}

// waitAccepting dials addr until a connection succeeds.
// For TLS it also completes a handshake (without verifying the certificate:
// this is a liveness check, not a trust decision).
func waitAccepting(ctx context.Context, addr string, useTLS, clientCertRequired bool) error {
	ctx, cancel := context.WithTimeout(ctx, readyDialTimeout)
	defer cancel()

	var lastErr error

	for {
		d := net.Dialer{Timeout: time.Second}

		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			// With a client CA configured the server requires a client certificate
			// we do not have; a TCP connect is all we can check then.
			if useTLS && !clientCertRequired {
				tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // liveness check only
				_ = tc.SetDeadline(time.Now().Add(time.Second))
				err = tc.HandshakeContext(ctx)
				_ = tc.Close()
			} else {
				_ = conn.Close()
			}

			if err == nil {
				return nil
			}
		}

		lastErr = err

		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("server does not accept connections on %s: %v", addr, lastErr)
			}

			return ctx.Err()
		case <-time.After(readyDialInterval):
		}
	}
}

// run runs the launcher. stop restores default signal handling (so a second signal kills immediately).
func run(ctx context.Context, stop func(), args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}

	if o == nil { // --help
		return nil
	}

	if o.version {
		fmt.Fprintf(stdout, "%s %s (FerretDB %s, MongoDB compatibility %s, %s %s/%s)\n",
			progName, launcherVersion, ferretDBVersion(), version.Get().MongoDBVersion,
			runtime.Version(), runtime.GOOS, runtime.GOARCH)

		return nil
	}

	applyGCSettings(o)

	logger := slog.New(&demoteHandler{
		Handler: slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.logLevel}),
		min:     o.logLevel,
	})
	slog.SetDefault(logger)

	cfg := &ferretdb.Config{
		Logger:  logger,
		Handler: o.backend,
	}

	useTLS := o.tlsCert != ""

	// FerretDB listens only on a socket in a directory of ours; clients reach it through the launcher's own
	// listener (wire_proxy.go), which lets one update of a document through at a time (write_locks.go).
	socketDir, err := os.MkdirTemp("", "vigil-ferretdb-")
	if err != nil {
		return runtimeErr("cannot create the socket directory: %s", err)
	}
	defer os.RemoveAll(socketDir)

	socket := filepath.Join(socketDir, "ferretdb.sock")
	cfg.Listener = ferretdb.ListenerConfig{Unix: socket}

	switch o.backend {
	case "sqlite":
		if cfg.SQLiteURL, err = prepareSQLiteDir(o.sqliteDir); err != nil {
			return err
		}

	case "postgresql":
		if err = checkPostgreSQL(ctx, o.postgresqlURL); err != nil {
			if ctx.Err() != nil { // signalled during start-up
				return nil
			}

			return err
		}

		cfg.PostgreSQLURL = o.postgresqlURL
	}

	if ctx.Err() != nil { // signalled during start-up
		return nil
	}

	// Built as a dependency, FerretDB has no version file and reports "unknown" in
	// buildInfo/serverStatus; report the module version instead (clients show it).
	if info := version.Get(); info.Version == "" || info.Version == "unknown" {
		info.Version = ferretDBVersion()
	}

	// New also binds the listener (so the port is known right after it returns).
	// Telemetry: the embeddable package never creates the telemetry reporter and
	// additionally disables and locks telemetry in its (non-persisted) state.
	proxy, err := newWireProxy(o.listenAddr, o.tlsConfig, socket, logger)
	if err != nil {
		return runtimeErr("cannot start FerretDB: %s", err)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		_ = proxy.listener.Close()
		return runtimeErr("cannot start FerretDB: %s", stripLazyErrors(err.Error()))
	}

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()

	done := make(chan error, 1)
	go func() { done <- f.Run(runCtx) }()

	proxied := make(chan struct{})
	go func() {
		proxy.serve(runCtx)
		close(proxied)
	}()

	// shutdown stops the server and the launcher's listener and waits for both.
	shutdown := func() error {
		cancelRun()
		err := <-done
		<-proxied

		return err
	}

	// Advertise a dialable host (a wildcard listen reports [::] or 0.0.0.0).
	addr, err := dialAddr(proxy.listener.Addr().String())
	if err != nil {
		_ = shutdown()
		return runtimeErr("cannot determine listen address from %q: %s", proxy.listener.Addr(), err)
	}

	u := &url.URL{Scheme: "mongodb", Host: addr, Path: "/"}
	if useTLS {
		u.RawQuery = url.Values{"tls": []string{"true"}}.Encode()
	}

	if err = waitAccepting(ctx, addr, useTLS, o.tlsCA != ""); err != nil {
		_ = shutdown()
		if ctx.Err() != nil {
			return nil
		}

		return runtimeErr("%s", err)
	}

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)

	if err = enc.Encode(readyLine{Ready: true, URI: u.String(), Backend: o.backend, PID: os.Getpid()}); err != nil {
		_ = shutdown()
		return runtimeErr("cannot write ready line to stdout: %s", err)
	}

	if s, ok := stdout.(interface{ Sync() error }); ok {
		_ = s.Sync() // stdout is unbuffered; Sync fails harmlessly on pipes
	}

	logger.Info("FerretDB is ready", slog.String("uri", u.String()), slog.String("backend", o.backend))

	if o.backend == "postgresql" && o.pushdownIndexes {
		go keepPushdownIndexes(runCtx, o.postgresqlURL, logger)
	}

	select {
	case <-ctx.Done():
		stop() // a second signal terminates immediately
		logger.Info("Shutting down")

		if err = shutdown(); err != nil {
			return runtimeErr("shutdown: %s", err)
		}

		return nil

	case err = <-done:
		// Run also watches ctx, so on a signal it may return before ctx.Done is selected.
		if ctx.Err() != nil {
			stop()
			logger.Info("Shut down")

			return nil
		}

		if err != nil {
			return runtimeErr("FerretDB stopped: %s", err)
		}

		return runtimeErr("FerretDB stopped unexpectedly")
	}
}
