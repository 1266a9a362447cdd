"""The sandbox server: moto's WSGI application with the sandbox's extensions and middleware.

moto's own `moto_server` command does not load extensions, so the sandbox has this entry point:

    python -m sandbox --port N [--pid-file F] [--faults JSON-or-FILE]

It binds to 127.0.0.1 only and writes its PID to a file when asked, so that whoever started it can
stop it by PID. The application it serves is sandbox/wire/server.py's.
"""

import argparse
import json
import logging
import os
import signal
import sys

import waitress

from sandbox.wire.server import build_app, warm_up


def load_faults(value):
    """The --faults argument: inline JSON or the path of a JSON file."""
    if value is None:
        return None
    text = value if value.lstrip().startswith("{") else open(value, encoding="utf-8").read()
    return json.loads(text)


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5000, help="TCP port on 127.0.0.1")
    parser.add_argument("--pid-file", help="write the server's PID here once it listens")
    # AWS answers many calls at once, and injected latency is a sleep in the request's thread: with
    # 2 threads at most 2 calls waited out their round trip at once, so a module reading 4 pages at
    # once (ssm_compliance_export's read_concurrency) or 10 forks of a fleet run queued behind them.
    # An idle waitress thread costs nothing; the CPU work is serialized by the GIL however many there
    # are, and every store the sandbox adds is under its own lock (sandbox/ssm/store.py), moto's
    # backend creation under moto's.
    parser.add_argument(
        "--threads", type=int, default=16,
        help="requests served at once (default 16: as many calls as a fleet run's forks make at once can "
        "wait out injected latency together, as AWS answers many calls at once)")
    parser.add_argument("--faults", help="fault injection rules: inline JSON or a JSON file (see sandbox/wire/faults.py)")
    parser.add_argument(
        "--operations-dir",
        default=os.environ.get("CLOUDPATCH_SANDBOX_OPERATIONS_DIR"),
        help="record each distinct operation and caller served in a file here, across resets "
        "(default: $CLOUDPATCH_SANDBOX_OPERATIONS_DIR; tests/iam_policy reads them)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 64:
        parser.error("--threads must be 1 to 64")
    return args


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # The workshop's instance role attaches AmazonSSMManagedInstanceCore, which moto only knows
    # when told to load AWS managed policies.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = build_app(load_faults(args.faults), args.operations_dir)
    warm_up(app)
    # waitress, not werkzeug's development server: werkzeug closes the connection after every
    # response, which costs each call a TCP connection and a thread on both sides.
    # waitress warns at every queued request; a busy sandbox is the point of a load test.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = waitress.create_server(app, host="127.0.0.1", port=args.port, threads=args.threads, ident="sandbox")
    if args.pid_file:
        with open(args.pid_file, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"sandbox listening on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
