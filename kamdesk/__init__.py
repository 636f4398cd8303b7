"""KAMDesk: an offline-first desk for key-account managers.

The package is layered: ``kamdesk.ui`` (Qt) calls ``kamdesk.ops`` (one function per user
action), which uses ``kamdesk.models``, ``kamdesk.domain``, ``kamdesk.store`` and
``kamdesk.reports``. Nothing below ``kamdesk.ui`` imports Qt.
"""

__version__ = "0.1.0"
APP_NAME = "KAMDesk"
