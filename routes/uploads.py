"""The shared shape of the county's set-up imports (places, volunteers, accounts,
households, outlets): read the uploaded file, run one use case, show what it did or the
bad cells by row and column."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import render_template, request
from flask_babel import gettext as _

from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column

# The form's own fields and multipart framing come on top of the file itself.
UPLOAD_LIMIT_BYTES = sheets.MAX_UPLOAD_BYTES + 64 * 1024


def import_page(
    run: Callable[[str, bytes], object],
    *,
    title: str,
    intro: str,
    back: tuple[str, str],
    template_endpoint: str,
    columns: Sequence[Column],
    figures: Callable[[object], list[tuple[str, str, object]]],
    result_template: str | None = None,
):
    """GET shows the upload form; POST runs ``run(filename, data)`` (a use case that
    writes all or nothing) and shows ``figures(result)`` as (key, label, number)."""
    result = sheet_error = missing = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            missing = _("Please choose a file to upload.")
        else:
            data = upload.read(UPLOAD_LIMIT_BYTES + 1)
            try:
                result = run(upload.filename, data)
            except sheets.SheetError as error:
                sheet_error = error
    status = 422 if (sheet_error or missing) else 200
    return render_template(
        result_template or "uploads/import.html",
        title=title,
        intro=intro,
        back_url=back[0],
        back_label=back[1],
        template_endpoint=template_endpoint,
        columns=columns,
        result=result,
        shown_figures=figures(result) if result is not None else [],
        sheet_error=sheet_error,
        missing=missing,
    ), status
