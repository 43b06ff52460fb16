import pytest
from django_tasks.signals import task_finished


@pytest.fixture
def immediate_tasks(settings, monkeypatch):
    """Run tasks as soon as they are queued (after commit), so rollups follow changes in the test.

    The outbox is not delivered (its messages stay waiting), so the figures and the raw rows see the
    same message statuses; delivery outcomes that arrive later are picked up by the nightly rebuild.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr("joinedup.notifications.services._enqueue_delivery", lambda ids: None)
    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.errors:
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(record)
    yield
    task_finished.disconnect(record)
    assert not failures, failures[0]
