"""Turn an interrupted multi-file write of the data folder back into its previous state, under a journal.

`junheng import` replaces several CSVs at once. Each is written completely beside its target first; then a journal
(read.IMPORT_JOURNAL) lists the targets and their backups, and the files are swapped in. If the process dies
part-way, even by SIGKILL, the folder holds some new tables and some old ones: `recover`, which every command runs
before it reads the folder (cli._data_dir), puts every original back and says so. Validation reports a journal it
finds (the library API does not recover by itself).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .read import IMPORT_JOURNAL as JOURNAL


def replace_all(files: dict[Path, str]) -> None:
    """Write every file completely first, then swap each in, under a journal: if the process dies part-way (even by
    SIGKILL), `recover` puts every original back the next time any command reads the folder."""
    data_dir = next(iter(files)).parent
    journal = data_dir / JOURNAL
    staged = {p: p.with_name(f".{p.name}.import") for p in files}
    backups = {p: p.with_name(f".{p.name}.backup") for p in files}
    for p, text in files.items():
        staged[p].write_text(text, encoding="utf-8", newline="")
    for p in files:
        if p.exists():
            shutil.copy2(p, backups[p])
    entries = [dict(target=p.name, backup=backups[p].name if p.exists() else None, staged=staged[p].name) for p in files]
    tmp = journal.with_name(journal.name + ".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, journal)                 # from here on, an interrupted import is rolled back
    try:
        for i, p in enumerate(files):
            staged[p].replace(p)
            if i == 0:
                from .site import checkpoint

                checkpoint("import-swap")    # fault injection for the tests (JUNHENG_PAUSE_AT)
    except BaseException:
        recover(data_dir)
        raise
    journal.unlink()
    for b in backups.values():
        b.unlink(missing_ok=True)


def recover(data_dir: Path) -> str:
    """Roll back an import that was interrupted while swapping files in; returns what was done ("" if nothing)."""
    journal = Path(data_dir) / JOURNAL
    if not journal.is_file():
        return ""
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:
        entries = []
    restored = []
    for e in entries:
        target = journal.parent / Path(e["target"]).name
        if e.get("backup"):
            backup = journal.parent / Path(e["backup"]).name
            if backup.is_file():
                backup.replace(target)
                restored.append(target.name)
        elif target.is_file():               # a table the import added: it was not there before
            target.unlink()
            restored.append(target.name)
        (journal.parent / Path(e["staged"]).name).unlink(missing_ok=True)
    journal.unlink()
    return (f"上次导入在写入文件的途中被中断，已把 {len(restored)} 个文件恢复到导入前的状态（{'、'.join(restored)}）。"
            "请重新运行 junheng import。") if restored else "上次导入在写入前被中断，数据文件没有改动；已清理残留文件。"
