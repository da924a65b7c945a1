"""The one error a reader raises for a file that cannot be used at all."""


class FileRejected(Exception):
    """The whole file is unusable (empty, binary, wrong delimiter, missing columns...).

    The message is one line naming the problem; it never contains a value from the file,
    so it can go to logs, the ledger and alerts without leaking personal data.
    """
