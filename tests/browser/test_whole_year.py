"""One whole year of Cluster 3 / 2021 in Chromium, as each role in turn, from opening to handover.

The secretariat (Yên Bái), two unit officers (Bắc Giang, Phú Thọ), an inspector (Quảng Ninh) and the
Ministry approver click every step of their own. The six other member units' routine steps (their
results, the second team's inspections, their ballots) go through the same model methods a click
calls, to keep the walk readable; every page the walk visits is saved as a screenshot named after
its step.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import make_user
from tests.cycle.conftest import EXAMPLES, example_results, units
from tests.vote_helpers import MINISTRY_PASSPHRASE, SECRETARIAT_PASSPHRASE
from thidua.engine.eligibility_catalogue import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = "/cum-thi-dua/2021/3/thi-dua/"


def as_role(browser, live_server, username):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks; the walk confirms
    login(page, username)
    return page


def vn(value) -> str:
    """A number as a Vietnamese officer types it (decimal comma)."""
    return str(value).replace(".", ",")


def advance(page, label: str) -> None:
    page.goto(YEAR)
    page.get_by_role("button", name=re.compile(f"Chuyển sang “{label}")).click()
    expect(page.locator("#stage")).to_have_text(label)


def fill_results(page, row: dict) -> None:
    for code, value in row["results"].items():
        field = page.locator(f"[name='{code}']")
        if isinstance(value, bool):
            field.select_option("co" if value else "khong")
        else:
            field.fill(vn(value))
    for code, remark in row.get("remarks", {}).items():
        page.locator(f"[name='{code}__ghi_chu']").fill(remark)


def report_through_the_page(page, code: str, row: dict, step: str) -> None:
    page.goto(f"{YEAR}giao-uoc/")
    page.get_by_role("button", name=re.compile("Ký giao ước cho")).click()
    page.goto(f"{YEAR}dang-ky/{code}/")
    page.get_by_label("Cờ thi đua của Bộ Công an").check()
    page.get_by_label("Chiến sĩ tiên tiến").fill("1.250")
    page.get_by_label("Chiến sĩ thi đua cơ sở").fill("160")
    page.get_by_role("button", name="Lưu đăng ký").click()
    page.goto(f"{YEAR}so-lieu/{code}/")
    fill_results(page, row)
    screenshot(page, f"year-{step}-results-form")
    page.get_by_role("button", name="Gửi Thường trực Cụm").click()
    expect(page.get_by_text("Đã gửi").first).to_be_visible()
    screenshot(page, f"year-{step}-results-submitted")


def test_one_whole_year_as_each_role_from_opening_to_handover(browser, live_server, cast):
    from thidua.cycle.models import (
        Cycle,
        HonourVote,
        Inspection,
        InspectionTeam,
        Proposal,
        Ranking,
        ResultSheet,
        ScoreSheet,
    )
    from thidua.org.models import Handover, User

    cluster_units = {
        u.code: u
        for u in units(
            "yen-bai",
            "thai-nguyen",
            "hoa-binh",
            "bac-giang",
            "bac-kan",
            "tuyen-quang",
            "quang-ninh",
            "phu-tho",
        )
    }
    # Start from a cluster that has not opened 2021 (the demo's finished year is removed).
    ScoreSheet.objects.filter(cycle__cluster__year=2021, cycle__cluster__number=3).delete()
    Ranking.objects.filter(cycle__cluster__year=2021, cycle__cluster__number=3).delete()
    Cycle.objects.filter(cluster__year=2021, cluster__number=3).delete()
    Handover.objects.filter(cluster__year=2021, cluster__number=3).delete()
    officers = {
        code: make_user(f"cb2.{code}", User.Role.UNIT_OFFICER, code) for code in cluster_units
    }
    officers["bac-giang"] = cast.officer_a
    team2_inspector = make_user("kt2.yen-bai", User.Role.INSPECTOR, "yen-bai")
    results = example_results()

    # 1. The secretariat opens the year and adopts the method.
    secretariat = as_role(browser, live_server, cast.secretariat.username)
    secretariat.goto(YEAR)
    secretariat.get_by_role("button", name="Mở năm thi đua 2021").click()
    expect(secretariat.locator("#stage")).to_have_text("Lập kế hoạch, giao ước")
    screenshot(secretariat, "year-01-opened")
    secretariat.goto(f"{YEAR}phuong-phap/tai-len/")
    secretariat.get_by_label("Tệp thang điểm (JSON)").set_input_files(str(EXAMPLES / "scale.json"))
    secretariat.get_by_label("Tệp quy chế khen thưởng (JSON)").set_input_files(
        str(EXAMPLES / "awards.json")
    )
    secretariat.get_by_role("button", name="Kiểm tra và áp dụng").click()
    expect(secretariat.locator(".alert--success").first).to_be_visible()
    secretariat.goto(f"{YEAR}phuong-phap/chi-tieu/")
    for code, row in results.items():
        for criterion, target in row.get("targets", {}).items():
            secretariat.get_by_label(
                f"Chỉ tiêu {criterion} của {cluster_units[code].short_name}"
            ).fill(vn(target))
    secretariat.get_by_role("button", name=re.compile("Lưu")).first.click()
    secretariat.goto(f"{YEAR}phuong-phap/")
    screenshot(secretariat, "year-02-method")
    secretariat.goto(f"{YEAR}giao-uoc/")
    secretariat.get_by_label("Nội dung giao ước").fill(
        "Công an 8 tỉnh Cụm thi đua số 3 giao ước hoàn thành xuất sắc các chỉ tiêu Bộ Công an giao năm 2021."
    )
    secretariat.get_by_label("Địa điểm ký kết").fill("Yên Bái")
    secretariat.get_by_role("button", name="Lưu giao ước").click()
    screenshot(secretariat, "year-03-covenant")
    advance(secretariat, "Thực hiện, báo cáo kết quả")

    # 2. Two unit officers sign, register and report through the pages; the others by the same methods.
    officer_a = as_role(browser, live_server, cast.officer_a.username)
    report_through_the_page(officer_a, "bac-giang", results["bac-giang"], "04-bac-giang")
    phu_tho = as_role(browser, live_server, officers["phu-tho"].username)
    report_through_the_page(phu_tho, "phu-tho", results["phu-tho"], "05-phu-tho")
    cycle = Cycle.objects.get(cluster__year=2021, cluster__number=3)
    for code, unit in cluster_units.items():
        if code in ("bac-giang", "phu-tho"):
            continue
        sheet = ResultSheet.for_unit(cycle, unit)
        sheet.save_values(
            by=officers[code], values=results[code]["results"], remarks=results[code]["remarks"]
        )
        sheet.submit(by=officers[code])

    # 3. The secretariat forms the inspection teams (no unit inspects itself) and opens inspection.
    secretariat.goto(f"{YEAR}kiem-tra/")
    secretariat.get_by_label("Tên đoàn").fill("Đoàn kiểm tra số 1")
    secretariat.get_by_label("Đơn vị trưởng đoàn").select_option(label="Công an tỉnh Bắc Giang")
    team_form = secretariat.locator("form", has=secretariat.get_by_label("Tên đoàn"))
    team_form.locator("fieldset", has_text="Đơn vị thành viên đoàn").get_by_label(
        "Công an tỉnh Quảng Ninh"
    ).check()
    inspected = team_form.locator("fieldset", has_text="Đơn vị được kiểm tra")
    for name in ("Yên Bái", "Thái Nguyên", "Hòa Bình", "Phú Thọ"):
        inspected.get_by_label(f"Công an tỉnh {name}").check()
    secretariat.get_by_role("button", name="Lập đoàn").click()

    InspectionTeam.form(
        cycle,
        by=cast.secretariat,
        name="Đoàn kiểm tra số 2",
        leader_unit=cluster_units["yen-bai"],
        member_units=[cluster_units["thai-nguyen"]],
        inspected_units=[
            cluster_units[c] for c in ("bac-giang", "quang-ninh", "bac-kan", "tuyen-quang")
        ],
    )
    secretariat.goto(f"{YEAR}kiem-tra/")
    screenshot(secretariat, "year-06-teams")
    advance(secretariat, "Kiểm tra chéo")

    # 4. The inspector (Quảng Ninh, team 1) scores Yên Bái; the rest of the inspections by the model.
    inspector = as_role(browser, live_server, cast.inspector.username)
    yen_bai_inspection = Inspection.objects.get(cycle=cycle, unit=cluster_units["yen-bai"])
    inspector.goto(f"{YEAR}kiem-tra/{yen_bai_inspection.pk}/")
    screenshot(inspector, "year-07-inspection-form")
    inspector.get_by_role("button", name="Gửi kết quả kiểm tra").click()
    expect(inspector.get_by_text("Đã gửi kết quả").first).to_be_visible()
    for inspection in Inspection.objects.filter(
        cycle=cycle, state=Inspection.State.DRAFT
    ).select_related("team", "unit"):
        by = cast.inspector if inspection.team.leader_unit.code == "bac-giang" else team2_inspector
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        inspection.save_scores(by=by, values=reported.values, remarks=reported.remarks)
        inspection.submit(by=by)

    # 5. Ranking, then the honouring vote by secret ballot.
    advance(secretariat, "Tổng hợp điểm, xếp hạng")
    secretariat.goto(f"{YEAR}xep-hang/")
    rows = secretariat.locator("table").first.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Yên Bái")
    expect(rows.nth(1)).to_contain_text("Bắc Giang")
    expect(rows.nth(2)).to_contain_text("Quảng Ninh")
    secretariat.wait_for_timeout(1200)  # let the chart finish drawing before the screenshot
    screenshot(secretariat, "year-08-ranking")
    advance(secretariat, "Suy tôn")
    secretariat.goto(f"{YEAR}suy-ton/")
    secretariat.get_by_label("Cụm mật khẩu của Thường trực Cụm").fill(SECRETARIAT_PASSPHRASE)
    secretariat.get_by_label("Nhập lại cụm mật khẩu").fill(SECRETARIAT_PASSPHRASE)
    secretariat.get_by_role("button", name="Mở biểu quyết").click()
    ministry = as_role(browser, live_server, cast.approver.username)
    ministry.goto(f"{YEAR}suy-ton/")
    ministry.get_by_label("Cụm mật khẩu của Bộ").fill(MINISTRY_PASSPHRASE)
    ministry.get_by_label("Nhập lại cụm mật khẩu").fill(MINISTRY_PASSPHRASE)
    ministry.get_by_role("button", name="Đặt cụm mật khẩu và bắt đầu bỏ phiếu").click()
    expect(ministry.locator(".alert--success")).to_contain_text("Đã đặt cụm mật khẩu của Bộ")
    officer_a.goto(f"{YEAR}suy-ton/")
    officer_a.get_by_role("radio", name="Đồng ý", exact=True).check()
    officer_a.get_by_role("button", name="Gửi phiếu biểu quyết").click()
    screenshot(officer_a, "year-09-ballot-cast")
    vote = HonourVote.objects.get(cycle=cycle)
    for code, officer in officers.items():
        if code != "bac-giang":
            vote.cast(by=officer, choice="abstain" if code == "yen-bai" else "yes")
    secretariat.goto(f"{YEAR}suy-ton/")
    secretariat.locator("#close-vote").get_by_label("Cụm mật khẩu của bạn").fill(
        SECRETARIAT_PASSPHRASE
    )
    secretariat.get_by_role("button", name="Kết thúc biểu quyết").click()
    ministry.goto(f"{YEAR}suy-ton/")
    ministry.get_by_label("Cụm mật khẩu của Bộ").fill(MINISTRY_PASSPHRASE)
    ministry.get_by_role("button", name="Kiểm phiếu và công bố kết quả").click()
    secretariat.goto(f"{YEAR}suy-ton/")
    expect(secretariat.get_by_text("được suy tôn").first).to_be_visible()
    screenshot(secretariat, "year-10-vote-result")

    # 6. Proposals by the cluster's rules, submitted to the Ministry.
    advance(secretariat, "Đề nghị khen thưởng")
    secretariat.goto(f"{YEAR}de-nghi/")
    screenshot(secretariat, "year-11-proposals")
    advance(secretariat, "Bộ xét duyệt")
    granted = {}
    for p in Proposal.objects.filter(cycle=cycle):
        granted.setdefault(p.award_name, set()).add(p.unit.short_name)
    # the press's "Bằng khen của Bộ Công an" is the catalogue's name for the same award
    catalogue = load_catalogue()
    assert granted == {
        catalogue.name(catalogue.resolve(k)): set(v)
        for k, v in cycle.cluster.published["proposals"].items()
    }

    # 7. The Ministry approver decides every proposal.
    approver = as_role(browser, live_server, cast.approver.username)
    approver.goto(f"{YEAR}de-nghi/")
    decide_forms = approver.locator(
        "form", has=approver.get_by_role("button", name="Ghi nhận quyết định")
    )
    count = decide_forms.count()
    assert count == 8
    for _ in range(count):
        form = approver.locator(
            "form", has=approver.get_by_role("button", name="Ghi nhận quyết định")
        ).first
        form.get_by_role("radio", name="Phê duyệt", exact=True).check()
        form.get_by_role("button", name="Ghi nhận quyết định").click()
        approver.wait_for_load_state("networkidle")
    screenshot(approver, "year-12-approved")
    assert Proposal.objects.filter(cycle=cycle, state=Proposal.State.APPROVED).count() == 8

    # 8. Handover: next year's leader and deputy (rotation), and the year is closed.
    secretariat.goto(f"{YEAR}ban-giao/")
    secretariat.get_by_label("Cụm trưởng năm sau").select_option(label="Công an tỉnh Thái Nguyên")
    secretariat.get_by_label("Cụm phó năm sau").select_option(label="Công an tỉnh Bắc Giang")
    secretariat.get_by_role("button", name="Ghi nhận và kết thúc năm thi đua").click()
    expect(secretariat.get_by_text("Đã kết thúc").first).to_be_visible()
    screenshot(secretariat, "year-13-closed")
    cycle.refresh_from_db()
    assert cycle.stage == Cycle.Stage.CLOSED
    assert Handover.objects.get(cluster=cycle.cluster).next_leader.code == "thai-nguyen"
    assert (
        ScoreSheet.objects.filter(cycle=cycle, stage="consolidated", total__gt=Decimal(90)).count()
        == 8
    )
