"""The `northline` command (DESIGN §4): demo, serve, migrate, users, tokens, unlock, export,
import, backup, restore, snapshot.

Settings read ``NORTHLINE_*`` from the environment when Django starts, so options that change
them (``--data-dir``, and the plain-HTTP switches of ``demo``) are put into the environment
first and Django is set up lazily, inside each command.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from northline.lib.errors import DomainError

if TYPE_CHECKING:
    from northline.orgs.transfer import Imported

DEFAULT_DATA_DIR = ".northline"
DEFAULT_PORT = 8000
NO_WORKER_HELP = (
    "do not start the background task worker beside the web server (for deployments that run "
    "`northline worker` separately; see docs/deploy.md)"
)
# Set in the environment of the task worker that serve or demo start: the parent's pid.
WORKER_PARENT = "NORTHLINE_WORKER_PARENT"


class UserError(Exception):
    """A mistake on the command line: reported in one line, without a traceback."""


# Entry point -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parse(parser, list(sys.argv[1:] if argv is None else argv))
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    if getattr(args, "data_dir", None):
        os.environ["NORTHLINE_DATA_DIR"] = str(Path(args.data_dir).resolve())
    try:
        return handler(args)
    except (UserError, DomainError) as error:
        print(f"northline: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("northline: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="northline",
        description="Keep an organization's strategy and its teams' work pointed the same way.",
        epilog="Settings come from NORTHLINE_* environment variables; see docs/cli.md.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the SQLite database, the secret key and static files live "
        "(sets NORTHLINE_DATA_DIR; default ./.northline)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], summary: str, **kw: Any):
        sub = commands.add_parser(name, help=summary, description=summary, **kw)
        sub.set_defaults(handler=handler)
        return sub

    demo = command(
        "demo",
        run_demo,
        "Create a local database with a demo organization, print the login and serve it.",
    )
    demo.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="default ./.northline"
    )
    demo.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help="default 8000")
    demo.add_argument(
        "--no-serve", action="store_true", help="prepare the database and the demo, then stop"
    )
    demo.add_argument("--no-worker", action="store_true", help=NO_WORKER_HELP)

    serve = command("serve", run_serve, "Serve Northline with the production server (gunicorn).")
    serve.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="as above")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="default 8000")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default NORTHLINE_WORKERS, or 2 x CPUs + 1)",
    )
    serve.add_argument("--no-worker", action="store_true", help=NO_WORKER_HELP)

    command("migrate", run_migrate, "Create or update the database tables.")

    createuser = command(
        "createuser",
        run_createuser,
        "Create a user. The password comes from --password, NORTHLINE_PASSWORD or a prompt.",
    )
    createuser.add_argument("--username", required=True)
    createuser.add_argument("--email", default="")
    createuser.add_argument("--first-name", default="")
    createuser.add_argument("--last-name", default="")
    createuser.add_argument("--password", help="visible in the process list; prefer the prompt")

    token = command("token", lambda args: usage(token), "Create, list and revoke API tokens.")
    token_commands = token.add_subparsers(title="token commands", metavar="ACTION")
    create = token_commands.add_parser(
        "create", help="create a token and print its secret once", description="Create a token."
    )
    create.set_defaults(handler=run_token_create)
    create.add_argument("--user", required=True, metavar="USERNAME")
    create.add_argument("--name", required=True, help="what the token is for")
    create.add_argument(
        "--org", required=True, metavar="SLUG", help="the one organization the token reaches"
    )
    create.add_argument(
        "--scope",
        choices=["read", "write"],
        default="read",
        help="read: look only (the default); write: also change records",
    )
    create.add_argument(
        "--days",
        type=int,
        default=None,
        help="days until it expires (default 90, at most NORTHLINE_TOKEN_MAX_DAYS)",
    )
    listing = token_commands.add_parser(
        "list", help="list a user's tokens", description="List a user's tokens."
    )
    listing.set_defaults(handler=run_token_list)
    listing.add_argument("--user", required=True, metavar="USERNAME")
    revoke = token_commands.add_parser(
        "revoke", help="revoke a token by id", description="Revoke a token."
    )
    revoke.set_defaults(handler=run_token_revoke)
    revoke.add_argument("--user", required=True, metavar="USERNAME")
    revoke.add_argument("id", type=int, help="the token's id, as `token list` shows it")

    unlock = command(
        "unlock",
        run_unlock,
        "Lift a sign-in lockout: the user may sign in again at once, from every address.",
    )
    unlock.add_argument("username", metavar="USERNAME")

    export = command(
        "export", run_export, "Write an organization and everything in it as one JSON document."
    )
    export.add_argument("organization", metavar="ORG", help="the organization's slug")
    export.add_argument("-o", "--output", metavar="FILE", help="default: standard output")

    imports = command(
        "import",
        run_import,
        "Load an exported organization into this database (which must not hold it yet).",
        epilog="Agreement initials are sealed with the exporting installation's secret key. "
        "Into an installation with another key, give that key (--seal-key-file, or "
        "NORTHLINE_SOURCE_SECRET_KEY): every seal is verified with it and each that holds is "
        "re-sealed with this installation's key; those that fail are listed and read as "
        "tampered. Without it the import is refused, unless --unverified-seals. See docs/cli.md.",
    )
    imports.add_argument("file", metavar="FILE", help="an export, or - for standard input")
    imports.add_argument(
        "--seal-key-file",
        metavar="PATH",
        help="a file holding the exporting installation's secret key (its data dir's "
        "secret_key, or its NORTHLINE_SECRET_KEY); default: NORTHLINE_SOURCE_SECRET_KEY",
    )
    imports.add_argument(
        "--unverified-seals",
        action="store_true",
        help="import seals made under another key without verifying them: every initial then "
        "reads as tampered (its agreement is not executed here)",
    )
    imports.add_argument(
        "--merge-users",
        action="store_true",
        help="link the export's users whose usernames exist here to those accounts (their "
        "passwords, tokens and preferences here are kept) instead of refusing the import",
    )

    add_backup_commands(command)  # backup and restore: see "Backup and restore" below

    for source, name, help_text, epilog, file_help in IMPORTERS:
        importer = command(name, run_import_file, help_text, epilog=epilog)
        importer.set_defaults(source=source)
        importer.add_argument("file", metavar="FILE", help=file_help)
        importer.add_argument("--org", required=True, metavar="SLUG", help="the organization")
        importer.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help="who imports (an owner or admin of the organization); the audit trail names them",
        )
        importer.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would happen, row by row; write nothing",
        )
        if source == "jira":
            importer.add_argument(
                "--mapping",
                metavar="FILE",
                help="a JSON mapping (statuses' columns, the team column, sprint and release "
                "dates); default: the organization's saved mapping, else Jira's status categories",
            )
            importer.add_argument(
                "--save-mapping",
                action="store_true",
                help="keep --mapping as the organization's mapping for the next Jira imports",
            )

    add_okr_commands(command)  # export-okrs: see "OKR spreadsheets" below

    snapshot = command(
        "snapshot",
        run_snapshot,
        "Take the day's alignment index snapshot of each organization and its teams "
        "(the worker does this daily; a re-run the same day replaces that day's figures).",
    )
    snapshot.add_argument(
        "--org", metavar="SLUG", help="only this organization (default: every organization)"
    )
    snapshot.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=parse_day,
        help="the day to record the figures under (default: today)",
    )

    worker = command(
        "worker",
        run_worker,
        "Run background tasks from the database queue (django-tasks-db's db_worker).",
        add_help=False,
    )
    worker.add_argument("args", nargs=argparse.REMAINDER, help="passed to db_worker (try --help)")

    manage = command(
        "manage",
        run_manage,
        "Run one of Django's management commands, e.g. `northline manage check --deploy`.",
        add_help=False,
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")
    return parser


PASS_THROUGH = {"manage", "worker"}


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``, leaving everything after ``manage`` or ``worker`` untouched.

    argparse would take ``--help`` after them for its own; Django's commands should get it.
    """
    index = 0
    while index < len(argv) and argv[index].startswith("--data-dir"):
        index += 1 if "=" in argv[index] else 2
    if index < len(argv) and argv[index] in PASS_THROUGH:
        args = parser.parse_args(argv[: index + 1])
        args.args = argv[index + 1 :]
        return args
    return parser.parse_args(argv)


def usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# Django, lazily ----------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northline.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def call(name: str, *args: str, **options: Any) -> None:
    from django.core.management import call_command

    call_command(name, *args, **options)


def find_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise UserError(f"no user named {username!r}")
    return user


# Commands ----------------------------------------------------------------------------------


def run_demo(args: argparse.Namespace) -> int:
    data_dir = Path(
        getattr(args, "data_dir", None) or os.environ.get("NORTHLINE_DATA_DIR") or DEFAULT_DATA_DIR
    ).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["NORTHLINE_DATA_DIR"] = str(data_dir)
    # The demo speaks plain HTTP on loopback: a Secure session cookie would never come back.
    os.environ["NORTHLINE_HTTPS"] = "false"
    os.environ["NORTHLINE_SSL_REDIRECT"] = "false"
    setup_django()
    from northline.orgs.demo import demo_steps, is_loaded, load_demo

    loaded = is_loaded_after_migrate(is_loaded)
    steps = 0 if loaded else len(demo_steps())
    total = 2 + steps
    say(f"[1/{total}] database in {data_dir}…")
    call("migrate", interactive=False, verbosity=0)
    create_cache_table()
    say(f"[2/{total}] static files…")
    call("collectstatic", interactive=False, verbosity=0)

    def progress(index: int, count: int, label: str) -> None:
        say(f"[{index + 2}/{count + 2}] {label}…")

    info = load_demo(progress=progress)
    url = f"http://{args.host}:{args.port}/"
    print()
    print(
        "The demo is ready." if info.created else "The demo is ready (reused from an earlier run)."
    )
    print(f"  URL:       {url}")
    for login in info.logins:
        print(f"  Login:     {login.username} / {login.password}   ({login.description})")
    print(f"  Data:      {data_dir}")
    print()
    if args.no_serve:
        return 0
    print("Serving; press Ctrl+C to stop.", flush=True)
    return serve(host=args.host, port=args.port, workers=2, with_worker=not args.no_worker)


def is_loaded_after_migrate(is_loaded: Callable[[], bool]) -> bool:
    """Whether the demo is there; False on a database that has no tables yet."""
    from django.db import DatabaseError

    try:
        return is_loaded()
    except DatabaseError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    setup_django()
    call("collectstatic", interactive=False, verbosity=0)
    create_cache_table()
    workers = args.workers or int(os.environ.get("NORTHLINE_WORKERS", 0)) or default_workers()
    return serve(host=args.host, port=args.port, workers=workers, with_worker=not args.no_worker)


# Each instance's own gunicorn control socket (issue 16 item 8) ------------------------------
# Gunicorn 25.1+ opens a control socket for ``gunicornc`` at one path per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): a second server on the host
# would take over the first one's. Each instance keeps its own in its data dir instead.
# A Unix socket path is limited to 107 bytes on Linux (104 on macOS); past that the socket is
# left off rather than moved somewhere shared.
MAX_SOCKET_PATH = 100


def control_socket_path(data_dir: Path) -> Path | None:
    """The control socket of the instance serving ``data_dir``, or None if the path is too
    long for a Unix socket (then the instance has none)."""
    path = data_dir / "gunicorn.ctl"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def database_label(database: dict[str, Any]) -> str:
    """Which database an instance uses, for its start line: never the password."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:{database['NAME']}"
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgresql://{host}{port}/{database['NAME']}"


def start_line(
    *, host: str, port: int, workers: int, with_worker: bool, socket: Path | None
) -> str:
    """The one line ``northline serve`` prints as it starts: what this instance serves."""
    from importlib.metadata import PackageNotFoundError, version

    from django.conf import settings

    try:
        release = version("northline")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout never installed
        release = "(not installed)"
    shown_host = f"[{host}]" if ":" in host else host
    control = f"control socket {socket}" if socket else "no control socket (data dir path too long)"
    return (
        f"Northline {release} serving http://{shown_host}:{port} — "
        f"data dir {settings.DATA_DIR} — "
        f"database {database_label(settings.DATABASES['default'])} — "
        f"{workers} web worker{'s' if workers != 1 else ''}, "
        f"task worker {'on' if with_worker else 'off'} — {control}"
    )


def secret_key_warning(database: dict[str, Any], environ: Mapping[str, str]) -> str | None:
    """What ``serve`` says when it shares a server database while signing with the key of its
    own data dir: every other server generates another, and refuses this one's sessions."""
    if database["ENGINE"].endswith("sqlite3") or environ.get("NORTHLINE_SECRET_KEY"):
        return None
    return (
        "Warning: NORTHLINE_SECRET_KEY is not set: this server signs sessions with the key "
        "generated in its data dir. If other servers share this database, set the same "
        "NORTHLINE_SECRET_KEY on all of them, or a session signed in on one is refused by the "
        "others (docs/deploy.md)."
    )


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class EmbeddedWorker:
    """``northline worker`` as a child of the web server on one machine: started with it,
    restarted if it dies (after a pause that grows while it keeps dying), stopped with it.

    Queued work is never lost when it dies: the queue is in the database and the next worker
    takes it up. If the server is killed without stopping its child, the child notices that
    its parent is gone and stops itself (``northline.orgs.worker.start_beating``).
    """

    QUICK_DEATH = 60.0  # seconds: a worker that dies sooner is restarted after a longer pause
    MAX_PAUSE = 30.0

    def __init__(self) -> None:
        import threading

        self.stopping = threading.Event()
        self.process: Any = None
        # Gunicorn forks its web workers from this process, and each one leaves through
        # serve()'s ``finally`` too: only the process that started the worker may stop it.
        self.owner = os.getpid()
        self.thread = threading.Thread(target=self.supervise, name="northline-worker", daemon=True)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "northline", "worker", "--no-startup-delay"]

    def start(self) -> None:
        self.thread.start()

    def supervise(self) -> None:
        import subprocess
        import time

        pause = 1.0
        environment = {**os.environ, WORKER_PARENT: str(os.getpid())}
        while not self.stopping.is_set():
            began = time.monotonic()
            # Our own interpreter and arguments, no shell: nothing from outside is executed.
            self.process = subprocess.Popen(self.command(), env=environment)  # noqa: S603
            say(f"Task worker started (pid {self.process.pid}).")
            code = self.process.wait()
            if self.stopping.is_set():
                return
            pause = 1.0 if time.monotonic() - began > self.QUICK_DEATH else pause
            say(f"The task worker stopped (exit {code}); starting another in {pause:.0f} s.")
            self.stopping.wait(pause)
            pause = min(pause * 2, self.MAX_PAUSE)

    def stop(self) -> None:
        import subprocess

        if os.getpid() != self.owner:
            return
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def freeze_startup() -> None:
    """Move every object alive now (Django, the apps, the API's schema: some 290,000) out of
    the cyclic collector's reach. A full collection walks every tracked object, so in a warm
    server process it took 0.1 to 0.5 s and landed on whichever request happened to allocate
    at that moment: the slowest requests of a load profile. What is frozen is what a worker
    keeps for its whole life; the collector still collects everything made afterwards."""
    import gc

    gc.collect()
    gc.freeze()


def warm_api_reference(worker: Any) -> None:
    """Each server worker (gunicorn's post_worker_init) freezes what it loaded, then builds the
    API schema and its reference page in the background, so the first visitor of
    /api/v1/docs does not wait seconds for them, and freezes those too once built."""
    from northline.api import api
    from northline.api_reference import warm

    def warm_then_freeze() -> None:
        warm(api)
        freeze_startup()

    freeze_startup()
    threading.Thread(target=warm_then_freeze, name="warm-api-reference", daemon=True).start()


def serve(*, host: str, port: int, workers: int, with_worker: bool = True) -> int:
    from django.conf import settings
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    socket = control_socket_path(Path(settings.DATA_DIR))
    print(
        start_line(host=host, port=port, workers=workers, with_worker=with_worker, socket=socket),
        flush=True,
    )
    warning = secret_key_warning(settings.DATABASES["default"], os.environ)
    if warning:
        say(warning)

    # Forked workers must not share the master's database connections.
    connections.close_all()

    class Server(BaseApplication):
        """Gunicorn, configured here instead of from its own command line."""

        def load_config(self) -> None:
            assert self.cfg is not None
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "northline",
                # Gunicorn would answer a request line over 4 KiB itself, in plain text; let it
                # through so the application answers 414 in the API's error shape (and with
                # its own limit: northline.lib.api_errors.MAX_URL_LENGTH).
                "limit_request_line": 0,
                "post_worker_init": warm_api_reference,
            }
            # Never gunicorn's per-user default path (see control_socket_path).
            if socket is None:
                options["control_socket_disable"] = True
            else:
                options["control_socket"] = str(socket)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from northline.wsgi import application

            return application

    worker = EmbeddedWorker() if with_worker else None
    if worker is not None:
        worker.start()
    try:
        Server().run()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    finally:
        if worker is not None:
            worker.stop()
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    setup_django()
    call("migrate", interactive=False, verbosity=1)
    create_cache_table()
    return 0


def create_cache_table() -> None:
    """The throttles' counters live in the database cache unless NORTHLINE_CACHE_URL names
    another; its table is made here (nothing happens when it exists or is not used)."""
    call("createcachetable", verbosity=0)


def run_createuser(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs import services

    password = args.password or os.environ.get("NORTHLINE_PASSWORD") or prompt_password()
    user = services.create_user(
        username=args.username,
        password=password,
        email=args.email,
        first_name=args.first_name,
        last_name=args.last_name,
    )
    print(f"Created user {user.get_username()}.")
    return 0


def prompt_password() -> str:
    if not sys.stdin.isatty():
        raise UserError("no password: pass --password, set NORTHLINE_PASSWORD or run in a terminal")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise UserError("the passwords do not match")
    return first


def run_token_create(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs import services

    try:
        token, secret = services.create_token(
            find_user(args.user),
            name=args.name,
            organization=args.org,
            scope=args.scope,
            expires_in_days=args.days,
        )
    except DomainError as error:
        problems = "; ".join(f"{field}: {text}" for field, text in error.fields.items())
        raise UserError(f"{error.message} {problems}".strip()) from error
    assert token.expires_at is not None
    say(
        f"Created token {token.pk} ({token.name}): {token.scope} in {args.org}, "
        f"expires {minutes(token.expires_at)}. Its secret is shown only this once:"
    )
    print(secret)
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    setup_django()
    user = find_user(args.user)
    tokens = user.api_tokens.order_by("pk")
    print(
        f"{'ID':>5}  {'PREFIX':10}  {'STATUS':8}  {'ORGANIZATION':20}  {'SCOPE':5}  "
        f"{'CREATED':16}  {'EXPIRES':16}  {'LAST USED':16}  NAME"
    )
    for token in tokens.select_related("organization"):
        status = "revoked" if token.revoked_at else "expired" if token.is_expired else "active"
        reach = token.organization.slug if token.organization else "all (legacy)"
        print(
            f"{token.pk:>5}  {token.prefix:10}  {status:8}  {reach:20}  {token.scope:5}  "
            f"{minutes(token.created_at):16}  {minutes(token.expires_at):16}  "
            f"{minutes(token.last_used_at):16}  {token.name}"
        )
    return 0


def minutes(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def run_token_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs import services
    from northline.orgs.access import access_token

    user = find_user(args.user)
    token = services.revoke_token(user, access_token(user, args.id))
    print(f"Revoked token {token.pk} ({token.name}).")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs import services

    user = find_user(args.username)
    cleared = services.unlock_sign_in(user)
    name = user.get_username()
    if cleared:
        print(f"Unlocked {name}: cleared {cleared} record(s) of failed sign-ins.")
    else:
        print(f"{name} had no failed sign-ins on record; nothing to unlock.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs.transfer import (
        count_records,
        dumps_document,
        export_organization,
        exported_usernames,
    )

    document = export_organization(args.organization)
    text = dumps_document(document)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write {args.output}: {error.strerror}") from error
    else:
        sys.stdout.write(text)
    report_counts("Exported", count_records(document))
    users = exported_usernames(document)
    say(
        f"Users in this export ({len(users)}): {', '.join(users) or 'none'}. An import needs "
        "these usernames free, or --merge-users to link them to existing accounts."
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    setup_django()
    from northline.orgs.transfer import count_records, import_document

    source_key = source_secret_key(args.seal_key_file)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise UserError(f"{args.file} is not UTF-8 text") from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{args.file} is not JSON: {error}") from error
    imported = import_document(
        document,
        source_key=source_key,
        unverified_seals=args.unverified_seals,
        source="standard input" if args.file == "-" else Path(args.file).name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        merge_users=args.merge_users,
    )
    report_counts("Imported", count_records(document))
    organization = imported.organization
    say(f"Imported organization {organization.slug} ({organization.name}).")
    if imported.merged_users:
        say(
            f"Merged users ({len(imported.merged_users)}): {', '.join(imported.merged_users)}: "
            "linked to the existing accounts; their passwords, tokens and preferences here "
            "were kept, the export's skipped."
        )
    report_seals(imported)
    return 0


# The importers the command line offers: source, command, help, epilog, FILE's help.
IMPORTERS = (
    (
        "taiga",
        "import-taiga",
        "Bring a Taiga project into an organization: epics, stories, sprints and its team.",
        "FILE is the JSON that Taiga's project exporter writes. Running it again, or with a newer "
        "export of the same project, updates what the last run created instead of doubling it. "
        "Only owners and admins import; docs/imports.md has the mapping.",
        "the Taiga project export (JSON)",
    ),
    (
        "jira",
        "import-jira",
        "Bring Jira issues into an organization: epics, stories, teams, sprints and releases.",
        "FILE is the CSV Jira exports from an issue search (Export → Export CSV (all fields)). "
        "Running it again, or with a newer export, updates what the last run created instead of "
        "doubling it. Only owners and admins import; docs/imports.md has the mapping and its "
        "JSON format.",
        "the Jira CSV export",
    ),
    (
        "okrs",
        "import-okrs",
        "Bring OKRs in from a spreadsheet: periods, objectives, key results and check-ins.",
        "FILE is CSV (UTF-8) or XLSX in the template export-okrs writes; other OKR tools' column "
        "names are read too (docs/imports.md lists them). Running it again changes nothing; a "
        "newer file updates what changed. Only owners and admins import.",
        "the spreadsheet (.csv or .xlsx)",
    ),
)


def run_import_file(args: argparse.Namespace) -> int:
    setup_django()
    from northline.imports import services
    from northline.orgs.access import access_organization

    access = access_organization(find_user(args.username), args.org)
    try:
        content = Path(args.file).read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from error
    mapping = None
    if getattr(args, "mapping", None):
        try:
            mapping = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
        except OSError as error:
            raise UserError(f"cannot read {args.mapping}: {error.strerror}") from error
        except ValueError as error:
            raise UserError(f"{args.mapping} is not JSON: {error}") from error
    elif getattr(args, "save_mapping", False):
        raise UserError("--save-mapping keeps the mapping given with --mapping; give one")
    say(f"Reading {Path(args.file).name} ({len(content) / 1024:.0f} KB)…")

    def progress(index: int, count: int) -> None:
        say(f"  {'previewing' if args.dry_run else 'applying'} row {index + 1}/{count}")

    run = services.import_file(
        access,
        source=args.source,
        filename=Path(args.file).name,
        content=content,
        mapping=mapping,
        dry_run=args.dry_run,
        progress=progress,
    )
    if getattr(args, "save_mapping", False):
        services.save_mapping(access, source=args.source, mapping=run.mapping)
        say("Saved the mapping as the organization's for the next Jira imports.")
    for entry in run.log:
        print(import_line(entry))
    # In this order whatever the database did to the JSON's keys (PostgreSQL's jsonb sorts them).
    names = ("created", "updated", "unchanged", "refused", "adjusted", "skipped")
    counts = ", ".join(f"{run.counts.get(name, 0)} {name}" for name in names)
    say(f"Import {run.pk} {run.get_status_display().lower()}: {counts}.")
    if run.status == "refused":
        say("Nothing was written: correct the rows marked refused and run it again.")
        return 1
    if run.status == "previewed":
        say("Nothing was written (dry run). Run it again without --dry-run to apply.")
    return 0


# OKR spreadsheets ---------------------------------------------------------------------------


def add_okr_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    export = command(
        "export-okrs",
        run_export_okrs,
        "Write a period's OKRs as the spreadsheet import-okrs reads (the template).",
        epilog="Importing the file into an organization without the period makes the same "
        "objectives, key results and check-ins; into the same organization it changes nothing.",
    )
    export.add_argument("--org", required=True, metavar="SLUG", help="the organization")
    export.add_argument("--period", required=True, metavar="NAME", help="the period's name")
    export.add_argument(
        "--as",
        dest="username",
        required=True,
        metavar="USERNAME",
        help="a member of the organization (every member may read its goals)",
    )
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="where to write it (default: standard output)"
    )


def run_export_okrs(args: argparse.Namespace) -> int:
    setup_django()
    from northline.imports import selectors
    from northline.orgs.access import access_organization

    if args.format == "xlsx" and not args.output:
        raise UserError("an XLSX export needs -o FILE (it is not text)")
    access = access_organization(find_user(args.username), args.org)
    content = selectors.okr_export(access, args.period, args.format)
    if args.output:
        Path(args.output).write_bytes(content)
        say(f"Wrote {args.period} to {args.output} ({len(content) / 1024:.0f} KB).")
    else:
        sys.stdout.write(content.decode("utf-8"))
    return 0


def import_line(entry: dict[str, Any]) -> str:
    """One row of an import's log as a line: action, kind, where in the file, title, notes."""
    if entry["action"] == "skipped":
        return f"skipped    {entry['messages'][0]}"
    action = entry["action"] + ("*" if entry.get("adjusted") else "")
    notes = " ".join(entry["messages"])
    return f"{action:<10} {entry['kind']:<6} {entry['location']}: {entry['title']}" + (
        f" — {notes}" if notes else ""
    )


def source_secret_key(path: str | None) -> str | None:
    """The exporting installation's secret key: from ``path``, else the environment."""
    if path is None:
        return os.environ.get("NORTHLINE_SOURCE_SECRET_KEY") or None
    try:
        key = Path(path).read_text("utf-8").strip()
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise UserError(f"{path} is not UTF-8 text") from error
    if not key:
        raise UserError(f"{path} is empty; it should hold the source installation's secret key")
    return key


def report_seals(imported: Imported) -> None:
    if imported.seal_check == "unverified":
        say(
            f"Seals: {imported.unverified} imported unverified (--unverified-seals); they read "
            "as tampered here."
        )
        return
    for label, report in imported.seals.items():
        say(
            f"Seals of {label}: {report.resealed} re-sealed with this installation's key, "
            f"{report.kept} kept, {len(report.failures)} failing."
        )
    failures = imported.failures
    if failures:
        say(f"warning: {len(failures)} seal(s) failed verification; they read as tampered:")
        for failure in failures:
            say(f"  {failure}")


# Backup and restore (issue 16) ------------------------------------------------------------
# Kept in one block: `northline backup` and `northline restore` (northline.orgs.backup).

BACKUP_WARNING = (
    "warning: this backup is not encrypted. It holds password hashes, API token digests, "
    "session keys and every other secret stored in the database, in clear: keep it like a "
    "password database, or pass --passphrase-file / --passphrase-env (docs/security.md)."
)


def add_backup_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    backup = command(
        "backup",
        run_backup,
        "Write the whole installation (every organization, user, token digest, session, "
        "queued task and uploaded file) to one file, consistent while the server runs.",
    )
    backup.add_argument("file", metavar="FILE", help="the backup file to write")
    add_passphrase_options(backup)
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    restore = command(
        "restore",
        run_restore,
        "Restore a backup into this database, which must be migrated and empty.",
        epilog="The whole file is read and its checksum verified before anything is written; "
        "the rows are then written in one transaction. See docs/cli.md.",
    )
    restore.add_argument("file", metavar="FILE", help="a file that `northline backup` wrote")
    add_passphrase_options(restore)
    restore.add_argument(
        "--verify-only",
        action="store_true",
        help="check the file (format, passphrase, checksum) and print what it holds; write nothing",
    )
    restore.add_argument(
        "--seal-key-file",
        metavar="PATH",
        help="the backed-up installation's secret key, when it differs from this one's "
        "(as for import); default: NORTHLINE_SOURCE_SECRET_KEY",
    )
    restore.add_argument(
        "--unverified-seals", action="store_true", help="as for import: keep seals unverified"
    )


def add_passphrase_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--passphrase-file", metavar="PATH", help="encrypt/decrypt with the first line of PATH"
    )
    source.add_argument(
        "--passphrase-env", metavar="VAR", help="encrypt/decrypt with the environment's VAR"
    )


def run_backup(args: argparse.Namespace) -> int:
    import time

    setup_django()
    from northline.orgs.backup import passphrase_from, write_backup

    passphrase = passphrase_from(args.passphrase_file, args.passphrase_env)
    target = Path(args.file)
    if target.exists() and not args.force:
        raise UserError(f"{target} exists; pass --force to overwrite it")
    partial = target.with_name(f".{target.name}.partial")
    began = time.monotonic()
    try:
        # Written beside the target and renamed at the end: a failed run leaves no half file
        # under the backup's name. Readable by its owner only, whatever the umask.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            written = write_backup(
                out,
                passphrase=passphrase,
                progress=report_table,
            )
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {error.strerror}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    total = sum(written.tables.values())
    say(
        f"Backed up {total} rows in {len(written.tables)} tables and {written.media_files} "
        f"media files to {target} ({target.stat().st_size} bytes, "
        f"{time.monotonic() - began:.1f} s, SHA-256 {written.sha256[:16]}…)."
    )
    if not written.encrypted:
        say(BACKUP_WARNING)
    return 0


def report_table(label: str, rows: int) -> None:
    if rows:
        say(f"  {label}: {rows} rows")


def run_restore(args: argparse.Namespace) -> int:
    import time

    setup_django()
    from northline.orgs.backup import passphrase_from, restore_backup, verify

    passphrase = passphrase_from(args.passphrase_file, args.passphrase_env)
    path = Path(args.file)
    began = time.monotonic()
    if args.verify_only:
        manifest = verify(path, passphrase)
    else:
        restored = restore_backup(
            path,
            passphrase=passphrase,
            source_key=source_secret_key(args.seal_key_file),
            unverified_seals=args.unverified_seals,
        )
        manifest = restored.manifest
    header = manifest.header
    say(
        f"Backup of {header.get('created_at')} from a {header.get('database_vendor')} "
        f"database, Northline {header.get('northline_version')}, format "
        f"{header.get('format_version')}, SHA-256 {manifest.sha256[:16]}… (verified)."
    )
    verb = "Holds" if args.verify_only else "Restored"
    for label, count in manifest.tables.items():
        if count:
            say(f"{verb} {count:>6} {label}")
    say(f"{verb} {manifest.media_files} media files.")
    if not args.verify_only:
        if restored.unverified_seals:
            say(f"Seals: {restored.unverified_seals} restored unverified (--unverified-seals).")
        if restored.resealed or restored.seal_failures:
            say(
                f"Seals: {restored.resealed} re-sealed with this installation's key, "
                f"{len(restored.seal_failures)} failing."
            )
        say(f"Restored in {time.monotonic() - began:.1f} s.")
    return 0


# End of backup and restore ----------------------------------------------------------------


def parse_day(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def run_snapshot(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from northline.insights.index.services import take_snapshots
    from northline.orgs.models import Organization

    organizations = Organization.objects.order_by("slug")
    if args.org:
        organizations = organizations.filter(slug=args.org)
        if not organizations.exists():
            raise UserError(f"no organization named {args.org!r}")
    day = args.date or timezone.localdate()
    total = organizations.count()
    for number, organization in enumerate(organizations, start=1):
        rows = take_snapshots(organization, day)
        say(f"[{number}/{total}] {organization.slug}: {rows} snapshot(s) for {day:%Y-%m-%d}")
    return 0


def report_counts(verb: str, counts: dict[str, int]) -> None:
    for label, count in counts.items():
        say(f"{verb} {count:>6} {label}")


def run_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    from northline.goals.tasks import schedule_checkin_reminders
    from northline.insights.tasks import schedule_daily_snapshots
    from northline.orgs.tasks import schedule_digests
    from northline.orgs.worker import start_beating

    # The scheduled tasks begin with the first worker; each then queues its own next run, and
    # a run already waiting is not queued twice (northline.orgs.schedule).
    schedule_daily_snapshots()
    schedule_digests()
    schedule_checkin_reminders()
    # Pages and /healthz/tasks say whether a worker is alive from its beats.
    parent = os.environ.get(WORKER_PARENT, "")
    start_beating(parent=int(parent) if parent.isdigit() else None)

    execute_from_command_line(["northline worker", "db_worker", *args.args])
    return 0


def run_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["northline manage", *(args.args or ["help"])])
    return 0


def say(message: str) -> None:
    """Progress and summaries go to stderr, keeping stdout for what a script may capture."""
    print(message, file=sys.stderr, flush=True)
