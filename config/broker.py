"""The broker `make run` uses with no server: kombu's filesystem transport, with atomic writes.

kombu's own ``_put`` creates the message file and then writes into it, so a worker polling the
folder can move and read the file while it is still empty: the worker then stops with
"Unrecoverable error: JSONDecodeError" and the message is lost. Here each message is written
under a name the worker ignores and renamed into place once complete (a rename is atomic within a
folder). config/celery.py registers it as the ``filesystem://`` transport, so the URL still
decides the transport; production brokers (Redis, RabbitMQ) do not use this.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # No dot in the temporary name: the reader only takes "<stamp>.<queue>.msg" files.
        partial = os.path.join(self.data_folder_out, f"partial-{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class FilesystemTransport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Make ``filesystem://`` URLs use this transport in this process."""
    TRANSPORT_ALIASES["filesystem"] = "config.broker:FilesystemTransport"
