"""A kernel manager for headless notebook runs whose shell channel never sleeps through a reply.

nbclient waits for a cell's ``execute_reply`` with one poll of the shell socket lasting the whole
cell timeout. Now and then the event loop misses the socket's wake-up (seen while cells send
bursts of widget messages, as ``05-explore`` does; jupyter/nbclient#312), and the poll then
sleeps until the timeout although the reply arrived at once: the notebook still succeeds, a
whole timeout late. Polling in slices of :data:`POLL_SECONDS` bounds that delay to one slice.
"""

from __future__ import annotations

from queue import Empty
from time import monotonic

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type, default

POLL_SECONDS = 1.0


class PatientShellChannel(AsyncZMQSocketChannel):
    """A shell channel whose ``get_msg`` polls in slices of at most :data:`POLL_SECONDS`."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            left = POLL_SECONDS if deadline is None else max(deadline - monotonic(), 0.0)
            try:
                return await super().get_msg(timeout=min(POLL_SECONDS, left))
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise


class PatientKernelClient(AsyncKernelClient):
    shell_channel_class = Type(PatientShellChannel)


class PatientKernelManager(AsyncKernelManager):
    """What nbclient and papermill start kernels with here (see the module docstring)."""

    client_class = DottedObjectName("analysis.report.kernels.PatientKernelClient")

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return PatientKernelClient
