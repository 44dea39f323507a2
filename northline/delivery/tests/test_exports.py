"""The matrix as CSV and XLSX, with formula-looking text kept as text."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from northline.delivery import services
from northline.testing import Cast


def test_it_exports_the_matrix_as_csv_and_xlsx(cast: Cast, plan, api_as) -> None:
    release = plan.release(30)
    feature = plan.feature(release, title='=HYPERLINK("http://x")')
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    viewer = api_as(cast.viewer)

    response = viewer.get("/orgs/acme/delivery/matrix.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acme-delivery-matrix-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "release",
        "release date",
        "feature",
        "kind",
        "owner team",
        "Contact Centre",
        "Permits Online",
    ]
    assert rows[1][0] == "Spring update"
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][5:] == ["impactee, not acknowledged", "impactor"]

    workbook = load_workbook(io.BytesIO(viewer.get("/orgs/acme/delivery/matrix.xlsx").content))
    sheet = workbook.active
    assert sheet is not None
    assert sheet["C2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["C2"].data_type == "s"
    assert sheet["F2"].value == "impactee, not acknowledged"
