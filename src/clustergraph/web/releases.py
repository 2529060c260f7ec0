"""``/releases/latest/{file}``: the release of the data now served, for download with ETags.

Releases are not kept on disk: the release of the current store version is built on first
request (``exports.release``, a fraction of a second for the bundled data) and kept in memory
until the data changes. Its catalogues name ``/releases/{version}/{file}``, which this server
answers for the current version only; older versions are gone (404 naming the latest), so
mirror the files of a release you want to keep. Each file's ETag is its SHA-256, so a
mirror revalidates with ``If-None-Match`` and gets 304 until the data changes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from clustergraph.exports.release import MANIFEST, MEDIA_TYPES, Release, build_release, publication
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.exports import service_url
from clustergraph.web.per_version import cache_on
from clustergraph.web.requests import etag_matches

router = APIRouter(tags=["exports"])
LATEST = "latest"


@router.api_route("/releases/latest/", methods=["GET", "HEAD"], summary="The manifest of the latest release")
async def latest_manifest(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The latest release's `manifest.json`: version, date, counts per graph and its files."""
    return await release_file(LATEST, MANIFEST, request, store, settings)


@router.api_route("/releases/{version}/{name}", methods=["GET", "HEAD"], summary="A file of a release")
async def release_file(version: str, name: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """A file of the latest release (`version` = `latest` or its version): the gzipped dumps
    (`clustergraph.nq.gz`, `.trig.gz`, `.jsonld.gz`, `.ttl.gz`), the DCAT-AP catalogues
    (`catalog.ttl` for 3.0.1, `catalog-dcat-ap-2.1.1.ttl`), `manifest.json` and `SHA256SUMS`.
    ETag = the file's SHA-256; `If-None-Match` answers 304."""
    root = service_url(request, settings.public_url)
    release: Release = await run_in_threadpool(
        cache_on(request.app.state, "latest_release").get,
        store, lambda: build_release(store, publication(settings, root)), key=root,
    )
    if version not in (LATEST, release.version):
        raise HTTPException(404, f"release {version} is not served here; the latest is {release.version} "
                                 f"at {root}releases/latest/")
    if name not in release.files:
        raise HTTPException(404, f"a release has no file {name!r}; its files: {', '.join(release.files)}")
    headers = {
        "ETag": f'"{release.sha256(name)}"',
        # latest/ moves with the data: revalidate every time; a versioned URL never changes its bytes.
        "Cache-Control": "no-cache" if version == LATEST else "public, max-age=86400",
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Location": f"{root}releases/{release.version}/{name}",
    }
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers={k: headers[k] for k in ("ETag", "Cache-Control")})
    return Response(release.files[name], media_type=MEDIA_TYPES[name], headers=headers)
