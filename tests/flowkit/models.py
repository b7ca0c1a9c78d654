from workflows.models import CaseProcess


class PeerCheckProcess(CaseProcess):
    """A second reviewer's check of a decided application (a "four eyes" check)."""

    class Meta:
        proxy = True
        app_label = "flowkit"
