"""The project's flows, one module each (docs/domain.md): each module declares its flow, the specs of its
human tasks (``workflows.registry``) and their templates.

Importing this package imports every module in it, so a new flow joins the task layer by being
added here as a module; nothing else is edited.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from .aid_application import AidApplicationFlow  # noqa: E402
from .assignment import AssignmentFlow  # noqa: E402
from .collaboration import CollaborationFlow  # noqa: E402
from .consultation import ConsultationFlow  # noqa: E402
from .fee_waiver import FeeWaiverFlow  # noqa: E402
from .objection import ObjectionFlow  # noqa: E402
from .service_log import ServiceLogFlow  # noqa: E402

__all__ = [
    "AidApplicationFlow",
    "AssignmentFlow",
    "CollaborationFlow",
    "ConsultationFlow",
    "FeeWaiverFlow",
    "ObjectionFlow",
    "ServiceLogFlow",
]
