"""The agent's registration page /proxy/new/: the township's proxy items, the window's form with the proxy
channel alone, a home-visit mark, photos checked by content, and one case per Idempotency-Key."""

import io
import uuid

import pytest
from cases_web.helpers import intake_post, item
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bianmin.accounts.models import User
from bianmin.cases.models import Attachment, Case, Channel, State
from bianmin.catalog.models import Item

from .factories import make_item


@pytest.fixture
def phone(demo):
    def make(username: str = "famen_agent") -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def _form(the_item, **overrides) -> dict:
    data = intake_post(the_item, channel="proxy", home_visit="on", **overrides)
    data.pop("decision")
    return data


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


def test_item_search_offers_only_the_townships_items_that_allow_proxy(phone, now):
    Item.objects.filter(code=item("instant").code).update(proxy=False)
    agent = phone()
    found = agent.get("/proxy/new/items/?q=gljt", headers={"HX-Request": "true"}).content.decode()
    assert "高龄津贴申请" in found and 'href="?item=' in found
    assert "出具居住证明" not in agent.get("/proxy/new/items/?q=jzzm").content.decode()
    # Picking it by hand does not open the form either, and the API refuses the proxy channel.
    page = agent.get(f"/proxy/new/?item={item('instant').code}").content.decode()
    assert 'name="idempotency_key"' not in page and 'id="item-q"' in page


def test_only_agents_register_here(phone, now):
    assert phone("famen_clerk").get("/proxy/new/").status_code == 404
    assert phone("famen_clerk").get("/proxy/new/items/?q=gljt").status_code == 404


def test_the_form_is_the_windows_checklist_with_the_proxy_channel_and_no_decisions(phone, now):
    promised = item("promised")
    page = phone().get(f"/proxy/new/?item={promised.code}").content.decode()
    assert "出生日期" in page and "户口簿" in page and "上门受理" in page
    assert 'name="channel" value="proxy"' in page and 'type="hidden" name="channel"' in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    for decision in ('name="decision"', "refuse_reason", "一次性告知补正", "不予受理"):
        assert decision not in page
    assert "proxy/register.js" in page and "data-draft-store" in page


def test_registration_makes_a_received_home_visit_case_and_goes_to_the_mandate(phone, now):
    promised = item("promised")
    data = _form(promised)
    response = phone().post(f"/proxy/new/?item={promised.code}", data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/proxy/cases/{case.number}/mandate/?draft={data['idempotency_key']}"
    assert (case.channel, case.state, case.proxy_home_visit) == (Channel.PROXY, State.RECEIVED, True)
    assert case.village_id == "610324106200" and case.submitted_by.username == "famen_agent"
    assert not case.proxy_mandate  # the next step records it
    mandate_page = phone().get(response["Location"]).content.decode()
    assert f'data-draft-done="{data["idempotency_key"]}"' in mandate_page


def test_the_same_draft_submitted_twice_makes_one_case(phone, now):
    """A dropped connection after the server got the form: the phone resubmits the draft with its key."""
    promised = item("promised")
    data = _form(promised, idempotency_key=uuid.uuid4().hex)
    first = phone().post(f"/proxy/new/?item={promised.code}", data)
    again = phone().post(f"/proxy/new/?item={promised.code}", data)
    assert Case.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]
    other = phone().post(f"/proxy/new/?item={promised.code}", _form(promised, n=2))
    assert other.status_code == 302 and Case.objects.count() == 2


def test_a_photo_that_is_no_picture_is_refused_in_chinese_and_nothing_is_registered(phone, now):
    promised = item("promised")
    id_card = promised.materials.get(name="申请人居民身份证")
    fake = SimpleUploadedFile("id.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, content_type="image/jpeg")
    data = _form(promised, **{f"m{id_card.pk}_scans": fake})
    response = phone().post(f"/proxy/new/?item={promised.code}", data)
    assert response.status_code == 422
    assert "图片已损坏" in response.content.decode()
    assert not Case.objects.exists()
    pdf = SimpleUploadedFile("id.pdf", b"%PDF-1.4 fake", content_type="application/pdf")
    data = _form(promised, **{f"m{id_card.pk}_scans": pdf})
    assert "不是 JPEG 或 PNG 照片" in phone().post(f"/proxy/new/?item={promised.code}", data).content.decode()


def test_photos_are_kept_with_their_material(phone, now):
    promised = item("promised")
    id_card = promised.materials.get(name="申请人居民身份证")
    photo = SimpleUploadedFile("photo-1.jpg", _jpeg(), content_type="image/jpeg")
    response = phone().post(
        f"/proxy/new/?item={promised.code}", _form(promised, **{f"m{id_card.pk}_scans": photo})
    )
    assert response.status_code == 302
    [attachment] = Attachment.objects.all()
    assert attachment.case_material.material_id == id_card.pk and attachment.content_type == "image/jpeg"


def test_the_api_refuses_the_proxy_channel_for_an_item_without_proxy_service(api, now):
    from .factories import proxy_intake

    no_proxy = make_item("promised")
    no_proxy.proxy = False
    no_proxy.save(update_fields=["proxy"])
    r = api("famen_agent").post("cases", proxy_intake(no_proxy))
    assert r.status_code == 422 and r.json()["error"]["fields"]["item"] == "该事项不能由代办员代办"


def test_a_draft_changed_after_it_was_registered_is_not_registered_again(phone, now):
    promised = item("promised")
    data = _form(promised)
    phone().post(f"/proxy/new/?item={promised.code}", data)
    response = phone().post(f"/proxy/new/?item={promised.code}", {**data, "address": "法门村五组"})
    assert response.status_code == 409 and Case.objects.count() == 1
    assert "这份草稿此前已提交成功" in response.content.decode()
