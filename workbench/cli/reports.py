"""workbench reports: the merge and import reports a project keeps."""
from __future__ import annotations

from workbench.cli.common import add_project, print_json, project_arg

NAME = "reports"
HELP = "list the merge and REFI-QDA import reports kept in a project, or export one"
EPILOG = ("Example: workbench reports study.qwb --kind merge\n"
          "         workbench reports study.qwb --report GUID -o merge-report.txt   (.txt or .json)")


def add_arguments(p):
    add_project(p)
    p.add_argument("--kind", choices=["merge", "qdpx-import"], help="only reports of this kind")
    p.add_argument("--report", metavar="GUID", help="show (or with -o export) this report in full")
    p.add_argument("-o", "--out", metavar="FILE", help="write the report(s) to FILE (.txt or .json)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    import json
    from pathlib import Path

    from workbench.core.errors import ValidationError
    from workbench.io.atomic import atomic_write_text
    from workbench.query.reports import get_report, list_reports, report_text

    with project_arg(args.project, readonly=True) as project:
        reports = [get_report(project, args.report)] if args.report else list_reports(project, args.kind)
    if args.out:
        suffix = Path(args.out).suffix.lower()
        if suffix == ".json":
            atomic_write_text(args.out, json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2) + "\n")
        elif suffix in (".txt", ".md", ""):
            atomic_write_text(args.out, "\n".join(report_text(r) for r in reports))
        else:
            raise ValidationError(f"{args.out}: write reports as .txt or .json")
        print(f"wrote {len(reports)} report(s) to {args.out}")
    elif args.json:
        print_json([r.to_json() for r in reports])
    elif args.report:
        print(report_text(reports[0]), end="")
    else:
        for r in reports:
            print(f"{r.created_at}  {r.kind:12}  {r.guid}  {r.title}")
        if not reports:
            print("no reports kept in this project")
    return 0
