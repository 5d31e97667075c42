"""The command line: `xlpy validate | compute | consolidate | diff | report | template | build-workbook`. Thin: parse
arguments (arguments.py), run a subcommand (commands.py), print (console.py); texts and exit statuses in texts.py."""

from __future__ import annotations

import sys
from typing import Sequence

from .arguments import argv_lang, parser as make_parser
from .commands import COMMANDS, diff_usage
from .texts import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, TEXTS

def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser(argv_lang(argv))
    args = parser.parse_args(argv)
    if args.command == "consolidate":
        usage = parser.subcommands["consolidate"]
        usage.lang = args.lang
        if args.in_place and len(args.inputs) != 1:
            usage.error(TEXTS[args.lang]["in_place_one"])
        if not args.in_place and not args.output and args.format != "json":
            usage.error(TEXTS[args.lang]["needs_output"])
    if args.command == "diff":
        usage = parser.subcommands["diff"]
        usage.lang = args.lang
        diff_usage(args, usage)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # the output cannot be written (read-only folder, disk full, file locked by Excel)
        lang = getattr(args, "lang", "da")
        print(TEXTS[lang]["os_error"].format(path=exc.filename or "", reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_FINDINGS
    except Exception as exc:  # never a traceback in front of a user
        if args.debug:
            raise
        lang = getattr(args, "lang", "da")
        print(TEXTS[lang]["internal"].format(error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_INTERNAL
