"""PDF reports: plain data in, PDF bytes out.

Builders never open a session; the ops layer gathers the data into the dataclasses of
``kamdesk.reports.data`` and hands them over. That keeps reports fast, testable and usable
from the command line with no window.
"""
