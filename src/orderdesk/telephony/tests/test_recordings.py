"""Recordings are copied into our storage when the call ends, listened to with an audit
event, and deleted by the retention job when their period is over."""

from __future__ import annotations

import datetime as dt
import wave
from io import BytesIO
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from orderdesk.core.errors import NotFound
from orderdesk.core.models import AuditEvent
from orderdesk.telephony import actions
from orderdesk.telephony.models import Call
from orderdesk.telephony.providers import SimulatorProvider
from orderdesk.telephony.simulator import wav_bytes
from orderdesk.telephony.tests.conftest import drain, hook_url
from orderdesk.telephony.tests.helpers import exotel_params, placed_call
from orderdesk.telephony.tests.test_call_events import ENDED


@pytest.fixture
def ended_call(client, cast, customer):
    call = placed_call(cast["sales"], customer, sid="sim-rec")
    client.post(hook_url(), exotel_params("sim-rec", "completed"))
    drain()
    call.refresh_from_db()
    return call


@pytest.mark.django_db
def test_recording_is_copied_into_our_storage_with_its_expiry(ended_call):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()) as download:
        assert actions.copy_recording(ended_call.pk) is True
    download.assert_called_once_with("https://recordings.example.test/sim-rec.wav")
    call = Call.objects.get(pk=ended_call.pk)
    assert default_storage.exists(call.recording.name)
    with (
        default_storage.open(call.recording.name) as stored,
        wave.open(BytesIO(stored.read())) as w,
    ):
        assert (w.getnchannels(), w.getframerate()) == (1, 8000)
    assert call.recording_expires_at == ENDED + dt.timedelta(days=90)


@pytest.mark.django_db
def test_a_second_copy_run_changes_nothing(ended_call):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
        name = Call.objects.get(pk=ended_call.pk).recording.name
        assert actions.copy_recording(ended_call.pk) is False
    assert Call.objects.get(pk=ended_call.pk).recording.name == name


@pytest.mark.django_db
def test_retention_job_keeps_a_recording_inside_its_period_and_deletes_it_after(ended_call):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
    name = Call.objects.get(pk=ended_call.pk).recording.name
    expiry = ENDED + dt.timedelta(days=90)

    assert actions.delete_expired_recordings(now=expiry - dt.timedelta(seconds=1)) == 0
    assert default_storage.exists(name)

    assert actions.delete_expired_recordings(now=expiry) == 1
    call = Call.objects.get(pk=ended_call.pk)
    assert not default_storage.exists(name)
    assert (call.recording.name, call.recording_deleted_at) == ("", expiry)
    assert (
        AuditEvent.objects.filter(action="call.recording.delete", object_id=str(call.pk)).count()
        == 1
    )
    assert actions.delete_expired_recordings(now=expiry + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_retention_period_is_a_setting(ended_call, settings):
    settings.ORDERDESK["TELEPHONY"]["RECORDING_RETENTION_DAYS"] = 7
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
    assert Call.objects.get(pk=ended_call.pk).recording_expires_at == ENDED + dt.timedelta(days=7)


@pytest.mark.django_db
def test_listening_is_audited(ended_call, cast):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
    with actions.open_recording(ended_call.pk, user=cast["sales"]) as audio:
        assert audio.read(4) == b"RIFF"
    event = AuditEvent.objects.get(action="call.recording.listen")
    assert (event.actor, event.object_id) == (cast["sales"], str(ended_call.pk))


@pytest.mark.django_db
def test_another_agent_cannot_listen_and_nothing_is_recorded(ended_call, cast):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
    events = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        actions.open_recording(ended_call.pk, user=cast["sales2"])
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_supervisor_may_listen_to_any_call(ended_call, cast):
    with mock.patch.object(SimulatorProvider, "download", return_value=wav_bytes()):
        actions.copy_recording(ended_call.pk)
    with actions.open_recording(ended_call.pk, user=cast["supervisor"]) as audio:
        assert audio.read(4) == b"RIFF"


def test_recording_links_with_another_scheme_are_never_fetched():
    from orderdesk.telephony.conf import conf
    from orderdesk.telephony.providers import ProviderError

    with pytest.raises(ProviderError):
        SimulatorProvider(conf()).download("file:///etc/passwd")
