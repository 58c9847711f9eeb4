"""A kernel manager for headless notebook runs whose shell channel never sleeps through a reply.

nbclient waits for a cell's ``execute_reply`` with one poll of the shell socket lasting the whole
cell timeout. Now and then the event loop misses the socket's wake-up (seen while cells send
bursts of widget messages, as ``05-explore`` does; jupyter/nbclient#312), and the poll then
sleeps until the timeout although the reply arrived at once: the notebook still succeeds, a
whole timeout late. Polling in slices of :data:`POLL_SECONDS` bounds that delay to one slice.

Its client is ready without sleeping either: jupyter_client's ``wait_for_ready`` ends by
reading IOPub until 0.2 s pass with no message, a fixed 0.2 s each time a notebook starts or
a kernel is reset between reports (:meth:`PatientKernelClient.wait_for_ready`).

The manager also keeps a list of the kernels alive, so that an interrupted batch can kill them
at once (:func:`kill_all`) and start no more: kernels run in their own session, so the Ctrl-C
of a terminal reaches only the renderer.
"""

from __future__ import annotations

import os
import signal
import threading
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

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers ``kernel_info`` and IOPub delivers (as jupyter_client's
        does), then drop the IOPub messages already there without waiting for more: nbclient
        and ``execute_interactive`` skip any message that is not about their own request."""
        deadline = monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # the kernel's welcome or status: IOPub is subscribed
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)


_LIVE: set[PatientKernelManager] = set()
_GUARD = threading.Lock()
_STOPPING = threading.Event()


class KernelsStopped(RuntimeError):
    """Raised instead of starting a kernel once :func:`kill_all` has been called."""


class PatientKernelManager(AsyncKernelManager):
    """What nbclient and papermill start kernels with here (see the module docstring)."""

    client_class = DottedObjectName("analysis.report.kernels.PatientKernelClient")

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return PatientKernelClient

    async def start_kernel(self, **kwargs) -> None:
        if _STOPPING.is_set():
            raise KernelsStopped("the batch was interrupted; no kernel started")
        await super().start_kernel(**kwargs)
        with _GUARD:
            _LIVE.add(self)
        if _STOPPING.is_set():  # interrupted while this one was starting
            self.kill_now()

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        with _GUARD:
            _LIVE.discard(self)
        await super().shutdown_kernel(now=now, restart=restart)

    def kill_now(self) -> None:
        """SIGKILL this kernel's process (safe from any thread; nbclient sees it die)."""
        pid = getattr(self.provisioner, "pid", None)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def kill_all() -> int:
    """Kill every kernel alive and refuse to start new ones (until :func:`allow_starts`).

    Returns
    -------
    int : how many kernels were killed.
    """
    _STOPPING.set()
    with _GUARD:
        managers = list(_LIVE)
    for manager in managers:
        manager.kill_now()
    return len(managers)


def allow_starts() -> None:
    """Let kernels start again (a new batch after an interrupted one, in the same process)."""
    _STOPPING.clear()
