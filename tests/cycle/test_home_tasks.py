"""The home page tells each role what is waiting for it in the years it takes part in."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.cycle.models import Cycle
from thidua.org.models import User

pytestmark = pytest.mark.django_db


def _home(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.get("/").content.decode()


def test_lao_cai_officer_is_asked_to_submit_its_draft_results(world):
    body = _home("canbo.laocai")
    assert "Nhập và gửi số liệu kết quả thực hiện chỉ tiêu" in body
    assert "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/" in body


def test_a_unit_that_submitted_has_nothing_to_submit(world):
    assert "Nhập và gửi số liệu" not in _home("canbo.cao-bang")


def test_the_secretariat_is_pointed_to_the_year_it_runs(world):
    body = _home("thuongtruc.caobang")
    assert "Điều hành năm thi đua" in body and "/cum-thi-dua/2025/3/thi-dua/" in body


def test_the_ministry_approver_sees_proposals_waiting_for_a_decision(world):
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.APPROVAL)
    world.cycle2021.proposals.update(state="submitted")
    assert "Xét duyệt 8 đề nghị khen thưởng" in _home("bo.pheduyet")


def test_a_viewer_has_no_tasks(world):
    assert "Không có việc nào đang chờ bạn." in _home("xem.thainguyen")
