"""Run the comment service: `python -m service [--host H] [--port P] [--sans-site]`.

Moderation and RGPD commands (`python -m service approve 12`, …) are in cli.py.

By default it also serves the built site (output/) at "/", so http://127.0.0.1:8000 shows the
site with working comment forms. Settings come from the environment (see settings.py).
"""

import argparse
import logging
import sys

import uvicorn

from service import cli, commands
from service.app import create_app
from service.settings import load


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in commands.BY_NAME:
        return cli.main(argv)
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--sans-site",
        action="store_true",
        help="ne servir que /commentaires/ (le site est servi par un autre serveur web)",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="derrière un proxy local : prendre l’adresse du lecteur dans X-Forwarded-For",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load()
    # The writer thread needs the GIL back after each SQLite call; with the default 5 ms switch
    # interval a busy event loop would make every group commit wait several times that.
    sys.setswitchinterval(0.0005)
    uvicorn.run(
        create_app(settings, serve_site=not args.sans_site),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        proxy_headers=args.proxy,
        forwarded_allow_ips="127.0.0.1" if args.proxy else None,
        access_log=False,
        log_level="info",
    )


if __name__ == "__main__":
    main()
