"""Import page: upload a file, choose layer and coordinate system, dry run, then commit."""

from pathlib import Path

import streamlit as st

from gridmap import importing
from gridmap.io import LAYER_FORMATS
from gridmap.model import LAYERS
from pages import _shared as sh

user = sh.require_login("import")
store = sh.get_store()
max_mb = float(sh.settings()["max_upload_mb"])
SHOWN = 200  # problems shown in the table; all of them are in the CSV download
K_JOB = "gm_import_job"  # {"path", "file_id", "options", "report"}

st.subheader(sh.tr("nav.import"))
upload = st.file_uploader(
    sh.tr("import.file", mb=int(max_mb)),
    type=[f.lstrip(".") for f in LAYER_FORMATS if f != ".shp"],
    key="gm_import_upload",
)
c1, c2, c3 = st.columns(3)
layer = c1.selectbox(
    sh.tr("import.layer"),
    list(LAYERS),
    key="gm_import_layer",
    format_func=lambda v: f"{sh.lbl(v, 'layer')} ({v})",
)
system = c2.selectbox(
    sh.tr("points.crs"),
    ["undeclared", "wgs84", "gcj02", "bd09", "epsg"],
    key="gm_import_crs",
    format_func=lambda s: sh.tr(f"crs.{s}"),
)
epsg = c3.text_input(
    sh.tr("import.epsg"), key="gm_import_epsg", disabled=system != "epsg", placeholder="EPSG:4549"
)
o1, o2, o3 = st.columns(3)
m1, m2 = st.columns([3, 1])
options = {
    "layer": layer,
    "crs": epsg.strip() if system == "epsg" else (None if system == "undeclared" else system),
    "columns": m1.text_input(
        sh.tr("import.columns"),
        key="gm_import_columns",
        placeholder="网格号=code,所属社区=community",
    ).strip()
    or None,
    "code_prefix": m2.text_input(
        sh.tr("import.code_prefix"), key="gm_import_code_prefix", placeholder="330106001"
    ).strip()
    or None,
    "repair": o1.checkbox(sh.tr("import.repair"), key="gm_import_repair"),
    "replace": o2.checkbox(sh.tr("import.replace"), key="gm_import_replace"),
    "allow_outside": o3.checkbox(sh.tr("import.allow_outside"), key="gm_import_outside"),
}


def _forget_job() -> None:
    job = st.session_state.pop(K_JOB, None)
    if job:
        importing.discard_upload(job["path"])


job = st.session_state.get(K_JOB)
if job and (upload is None or job["file_id"] != upload.file_id or job["options"] != options):
    _forget_job()  # a new file or new options: the old dry run no longer applies
    job = None

if upload is not None and upload.size > max_mb * 1024 * 1024:
    st.error(sh.tr("import.too_large", mb=int(max_mb)))
elif upload is not None and st.button(sh.tr("import.check"), key="gm_import_check"):
    try:
        path = importing.stage_upload(upload.name, upload.getbuffer())
    except OSError as exc:
        st.error(sh.tr("import.cannot_save", message=exc.strerror or str(exc)))
        st.stop()
    report = None
    try:
        with st.spinner(sh.tr("import.checking")):
            report = sh.run_action(
                lambda: importing.import_file(store, path=path, dry_run=True, user=user, **options)
            )
    finally:  # whatever happened, a failed check leaves no temporary folder behind
        if report is None:
            importing.discard_upload(path)
    if report is not None:
        job = {"path": str(path), "file_id": upload.file_id, "options": options, "report": report}
        st.session_state[K_JOB] = job

if job:
    report = job["report"]
    summary = sh.tr(
        "import.report",
        file=Path(job["path"]).name,
        rows=report.rows,
        crs=report.source_crs or options["crs"],
    )
    st.markdown(f"**{summary}**")
    if report.problems:
        sh.dataframe(importing.problems_table(report, sh.lang(), limit=SHOWN), hide_index=True)
        if len(report.problems) > SHOWN:
            st.warning(sh.tr("import.more_problems", shown=SHOWN, n=len(report.problems)))
        st.download_button(
            sh.tr("import.problems_csv"),
            report.problems_csv(sh.lang()).encode("utf-8-sig"),
            file_name=f"{Path(job['path']).stem}-problems.csv",
            mime="text/csv",
            key="gm_import_problems_csv",
        )
    if not report.ok:
        st.error(sh.tr("import.blocked", n=len(report.errors)))
    else:
        st.success(sh.tr("import.ready", rows=report.rows, layer=sh.lbl(layer, "layer")))
        if st.button(sh.tr("import.commit"), type="primary", key="gm_import_commit"):
            bar = st.progress(0.1, text=sh.tr("import.writing"))
            done = sh.run_action(
                lambda: importing.import_file(
                    store,
                    path=job["path"],
                    user=user,
                    progress=lambda fraction, stage: bar.progress(
                        fraction, text=sh.tr(f"import.stage.{stage}")
                    ),
                    **options,
                )
            )
            bar.progress(1.0, text=sh.tr("import.finished"))
            if done is not None and done.ok and done.written:
                _forget_job()
                st.success(sh.tr("import.done", rows=done.written, layer=sh.lbl(layer, "layer")))
            elif done is not None:
                st.error(sh.tr("import.failed", problems="; ".join(map(str, done.errors))))
