"""The sandbox server: moto's WSGI application with the sandbox's extensions applied.

moto's own `moto_server` command does not load extensions, so the sandbox has this entry point.
It binds to 127.0.0.1 only and writes its PID to a file when asked, so that whoever started it can
stop it by PID.
"""

import argparse
import os
import signal
import sys

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

from sandbox.extensions import install_all


def build_app():
    install_all()
    return DomainDispatcherApplication(create_backend_app)


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=5000, help="TCP port on 127.0.0.1")
    parser.add_argument("--pid-file", help="write the server's PID here once it listens")
    return parser.parse_args(argv)


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # The workshop's instance role attaches AmazonSSMManagedInstanceCore, which moto only knows
    # when told to load AWS managed policies.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("MOTO_PORT", str(args.port))
    server = make_server("127.0.0.1", args.port, build_app(), threaded=True, request_handler=MotoRequestHandler)
    if args.pid_file:
        with open(args.pid_file, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"sandbox listening on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
