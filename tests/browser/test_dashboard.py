"""The dashboard (#17) on a 360 px phone and on a laptop: the admin kelurahan opens it from
"Lainnya", reads the demo's last three months (charts drawn, tables beside them), finds the
quiet RT, asks for two dates in the wrong order and is told so, drills down to an RW,
sorts the RTs and downloads the table as CSV."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_page


def _charts_drawn(page) -> None:
    charts = page.locator("img.chart")
    expect(charts).to_have_count(3 if page.locator("#units-heading").count() else 2)
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )


def test_an_admin_kelurahan_reads_filters_drills_down_and_exports(
    open_context, sign_in_as, screenshot, tmp_path
):
    phone = sign_in_as.admin_kelurahan(open_context("phone").new_page())
    nav = phone.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name=re.compile(r"^Lainnya")).click()
    phone.get_by_role("link", name="Dasbor partisipasi").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Dasbor partisipasi: Kelurahan Komet"
    )
    summary = phone.locator("section[aria-labelledby=summary-heading]")
    expect(summary).to_contain_text("Warga terdaftar")
    expect(summary.locator("dd").nth(2)).not_to_have_text("0")  # the demo held activities
    inclusion = phone.locator("section[aria-labelledby=inclusion-heading]")
    expect(inclusion.locator(".quiet-list")).to_contain_text("RT 03 · RW 01")
    _charts_drawn(phone)
    check_page(phone, "dashboard-kelurahan")
    screenshot(phone, "kelurahan")

    # two dates in the wrong order: the reason beside the field, no figures
    phone.get_by_label("Periode").select_option("atur")
    phone.get_by_label("Dari tanggal").fill("2026-11-30")
    phone.get_by_label("Sampai tanggal").fill("2026-11-01")
    phone.get_by_role("button", name="Tampilkan").click()
    expect(phone.get_by_text("Tanggal akhir harus sesudah tanggal mulai.")).to_be_visible()
    expect(summary).to_have_count(0)
    check_page(phone, "dashboard-bad-period")
    phone.get_by_label("Periode").select_option("tahun")
    phone.get_by_label("Jenis kegiatan").select_option("gotong_royong")
    phone.get_by_role("button", name="Tampilkan").click()
    expect(phone.get_by_text("Jenis: Gotong royong.")).to_be_visible()

    # drill down to RW 01, keeping the filter; sort its RTs by activities
    units = phone.locator("section[aria-labelledby=units-heading]")
    units.get_by_role("link", name="RW 01", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Dasbor partisipasi: RW 01")
    expect(phone.get_by_text("Jenis: Gotong royong.")).to_be_visible()
    units.get_by_role("link", name="Kegiatan", exact=True).click()
    expect(units.locator("th[aria-sort]")).to_have_text("Kegiatan")
    expect(phone.locator(".breadcrumbs")).to_contain_text("Kelurahan Komet")
    _charts_drawn(phone)
    check_page(phone, "dashboard-rw")
    screenshot(phone, "rw")

    with phone.expect_download() as download:
        units.get_by_role("link", name="Unduh peringkat wilayah (CSV)").click()
    saved = tmp_path / "unit.csv"
    download.value.save_as(saved)
    rows = saved.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "wilayah;warga_terdaftar;warga_aktif;persen_aktif;kegiatan;kehadiran"
    assert sorted(r.split(";")[0] for r in rows[1:]) == ["RT 01", "RT 02", "RT 03"]


def test_the_dashboard_on_a_laptop(open_context, sign_in_as, screenshot):
    laptop = sign_in_as.admin_kelurahan(open_context("desktop").new_page())
    laptop.goto("/dasbor")
    expect(laptop.get_by_role("heading", level=1)).to_have_text(
        "Dasbor partisipasi: Kelurahan Komet"
    )
    _charts_drawn(laptop)
    check_page(laptop, "dashboard-laptop")
    screenshot(laptop, "laptop")


def test_a_chart_opened_on_its_own_is_styled_under_its_strict_policy(open_context, sign_in_as):
    """A chart is also opened on its own (a long press, "open image"): its style element is
    allowed by its hash, so the palette applies and the browser refuses nothing."""
    page = sign_in_as.admin_kelurahan(open_context("desktop").new_page())
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto("/dasbor")
    src = page.locator("img.chart").first.get_attribute("src")
    page.goto(src)
    first_series = page.locator(".series.serie-0 .rect, .series.serie-0 rect").first
    fill = first_series.evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(27, 127, 75)"  # #1b7f4b, the app's green: the style element applied
    assert refused == []


def test_an_admin_kelurahan_prints_the_monthly_report_on_a_phone(
    open_context, sign_in_as, screenshot
):
    """From the dashboard to the printable report: a month chosen in the form, the summary
    and one page per RW, and on paper each RW starts a new page without the navigation."""
    phone = sign_in_as.admin_kelurahan(open_context("phone").new_page())
    phone.goto("/dasbor")
    phone.get_by_role("link", name="Laporan bulanan untuk dicetak").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        "Laporan bulanan: Kelurahan Komet"
    )

    phone.get_by_label("Bulan").fill("2999-01")
    phone.get_by_role("button", name="Tampilkan").click()
    expect(phone.get_by_text("Bulan itu belum dimulai.")).to_be_visible()
    expect(phone.locator("section.report-page")).to_have_count(0)

    month = phone.evaluate(
        "() => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - 1);"
        " return d.toISOString().slice(0, 7); }"
    )
    phone.get_by_label("Bulan").fill(month)
    phone.get_by_role("button", name="Tampilkan").click()
    pages = phone.locator("section.report-page")
    expect(pages.first).to_contain_text("Ringkasan Kelurahan Komet")
    expect(pages).to_have_count(3)  # the summary, RW 01 and RW 02 of the demo
    expect(pages.nth(1).get_by_role("heading", level=2)).to_contain_text("RW 01")
    check_page(phone, "dashboard-report")
    screenshot(phone, "report")

    phone.emulate_media(media="print")
    breaks = pages.evaluate_all("els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto", "page", "page"]
    expect(phone.locator(".site-header")).to_be_hidden()
    expect(phone.locator("form.filter-form")).to_be_hidden()
