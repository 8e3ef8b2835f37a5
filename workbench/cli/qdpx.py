"""workbench qdpx: REFI-QDA project exchange (export a project, import another tool's QDPX)."""
from __future__ import annotations

NAME = "qdpx"
HELP = "REFI-QDA project exchange: export to or import from a .qdpx file"
EPILOG = ("Examples:\n"
          "  workbench qdpx export study.qwb -o study.qdpx\n"
          "  workbench qdpx import from_nvivo.qdpx -o study.qwb\n"
          "Import creates a new project and prints what came in, what could not be carried, and how\n"
          "the file's selection offsets were counted. Archives with paths that climb out, absolute\n"
          "paths, links, zip bombs, or XML with a DOCTYPE or entities are refused; nothing is written.")


def add_arguments(p):
    sub = p.add_subparsers(dest="qdpx_command", metavar="ACTION", required=True)
    exp = sub.add_parser("export", help="write PROJECT as a QDPX file",
                         description="Write PROJECT as a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti, "
                                     "MAXQDA and QualCoder can import.",
                         epilog="Example: workbench qdpx export study.qwb -o study.qdpx")
    exp.add_argument("project", metavar="PROJECT", help="the project file (.qwb)")
    exp.add_argument("-o", "--output", required=True, metavar="FILE.qdpx", help="the QDPX file to write")
    imp = sub.add_parser("import", help="create a new project from a QDPX file",
                         description="Create a new project from a REFI-QDA project (.qdpx) written by another tool.",
                         epilog="Example: workbench qdpx import from_nvivo.qdpx -o study.qwb")
    imp.add_argument("qdpx", metavar="FILE.qdpx", help="the QDPX file to import")
    imp.add_argument("-o", "--output", required=True, metavar="PROJECT", help="the new project file (.qwb); "
                                                                               "must not exist")
    imp.add_argument("--json", action="store_true", help="print the import report as JSON")


def run(args) -> int:
    if args.qdpx_command == "export":
        from workbench.io.refi.qdpx_export import export_qdpx

        summary = export_qdpx(args.project, args.output)
        print(f"exported {summary} to {args.output}")
        return 0
    from workbench.cli.common import print_json
    from workbench.io.refi.qdpx_import import import_qdpx

    report = import_qdpx(args.qdpx, args.output)
    if args.json:
        print_json(report.as_dict())
    else:
        print("\n".join(report.lines()))
        print(f"created {args.output}")
    return 0
