"""Online backup and restore of the whole installation: the database, the uploaded scans, a manifest.

The archive (tar.gz) holds `manifest.json`, the database dump (`database.sqlite3` from SQLite's online
backup API, or `database.pgdump` from `pg_dump --format=custom`) and `media/…`, every file listed in the
manifest with its SHA-256. The database is copied first and the media folder after it: a scan is written
before its row commits, so every scan the copied database names is in the archive.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def engine() -> str:
    name = settings.DATABASES["default"]["ENGINE"]
    if name.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in name:
        return "postgresql"
    raise BackupError(f"不支持的数据库引擎：{name}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore from the Django settings; the password via PGPASSWORD."""
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 postgresql-client（make install 会安装）")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败（{done.returncode}）：{done.stderr.strip()[:2000]}")


def _dump_database(folder: Path) -> str:
    kind = engine()
    if kind == "sqlite":
        target = folder / "database.sqlite3"
        source_path = Path(settings.DATABASES["default"]["NAME"]).resolve()
        source = sqlite3.connect(f"{source_path.as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            # One step: a consistent snapshot (WAL readers do not block the writers meanwhile).
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        return target.name
    target = folder / "database.pgdump"
    args, env = _pg_env()
    name = settings.DATABASES["default"]["NAME"]
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args, name], env)
    return target.name


def create_backup(output: Path) -> dict:
    """Write the archive to `output` (atomically: a partial file never carries the final name)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="bianmin-backup-") as tmp:
        folder = Path(tmp)
        database = _dump_database(folder)
        files = {database: _sha256(folder / database)}
        members = [(folder / database, database)]
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                name = "media/" + path.relative_to(media).as_posix()
                files[name] = _sha256(path)
                members.append((path, name))
        manifest = {
            "format": FORMAT,
            "engine": engine(),
            "database": database,
            "created_at": datetime.now(UTC).isoformat(),
            "version": settings.VERSION,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / MANIFEST, MANIFEST)
            for path, name in members:
                archive.add(path, name)
        os.replace(partial, output)
    return manifest


def _extract(archive_path: Path, folder: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"无法读取备份文件 {archive_path}：{error}") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError("备份文件里没有可读的 manifest.json") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    listed = set(manifest["files"])
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    if present != listed:
        missing, extra = sorted(listed - present), sorted(present - listed)
        raise BackupError(f"备份文件不完整：缺少 {missing[:5]}，多出 {extra[:5]}")
    for name, expected in manifest["files"].items():
        if _sha256(folder / name) != expected:
            raise BackupError(f"校验和不符：{name}（备份文件已损坏或被改动）")
    return manifest


def _database_is_empty() -> bool:
    if engine() == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as db:
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return tables == 0
    with connections["default"].cursor() as cursor:
        return not connections["default"].introspection.table_names(cursor)


def _media_is_empty() -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(media.iterdir())


def restore_backup(archive_path: Path) -> dict:
    """Check the archive, refuse a non-empty target, then put the database and the scans in place."""
    problems = []
    if not _database_is_empty():
        name = settings.DATABASES["default"]["NAME"]
        problems.append(f"数据库 {name} 不是空的")
    if not _media_is_empty():
        problems.append(f"上传文件目录 {settings.MEDIA_ROOT} 不是空的")
    if problems:
        raise BackupError(
            "；".join(problems)
            + "。恢复只写入空的数据库和空的目录：请另配 DATABASE_URL / BIANMIN_MEDIA_ROOT，"
            "或先移走现有数据"
        )
    with tempfile.TemporaryDirectory(prefix="bianmin-restore-") as tmp:
        folder = Path(tmp)
        manifest = _extract(Path(archive_path), folder)
        if manifest["engine"] != engine():
            raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {engine()}：不能跨数据库恢复")
        dump = folder / manifest["database"]
        connections.close_all()
        if engine() == "sqlite":
            target = Path(settings.DATABASES["default"]["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)
            partial = target.with_name(target.name + ".restoring")
            shutil.copyfile(dump, partial)
            os.replace(partial, target)
        else:
            args, env = _pg_env()
            name = settings.DATABASES["default"]["NAME"]
            _run(
                ["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
                 *args, "--dbname", name, str(dump)],
                env,
            )  # fmt: skip
        media_files = [name for name in manifest["files"] if name.startswith("media/")]
        media = Path(settings.MEDIA_ROOT)
        for name in media_files:
            target = media / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
    return manifest
