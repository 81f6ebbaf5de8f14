"""rnnlab._memory: the free memory of this machine, sizes in words, and the check that refuses a
request before it is made."""
import pytest

from rnnlab import _memory


@pytest.mark.parametrize("nbytes, text", [
    (0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"), (1536, "1.5 KB"),
    (5 * 1024 ** 2, "5.0 MB"), (6.3 * 1024 ** 3, "6.3 GB"), (2 * 1024 ** 4, "2.0 TB"),
    (3 * 1024 ** 5, "3072.0 TB"),
])
def test_human(nbytes, text):
    assert _memory.human(nbytes) == text


def test_available_bytes_reads_memavailable(tmp_path, monkeypatch):
    meminfo = tmp_path / "meminfo"
    meminfo.write_bytes(b"MemTotal:  16000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n")
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: real_open(
        meminfo if path == "/proc/meminfo" else path, *a, **k))
    assert _memory.available_bytes() == 2048 * 1024


def test_available_bytes_without_proc_falls_back_or_says_unknown(monkeypatch):
    def missing(*a, **k):
        raise OSError("no /proc here")
    monkeypatch.setattr("builtins.open", missing)
    got = _memory.available_bytes()
    assert got is None or (isinstance(got, int) and got > 0)
    monkeypatch.setattr(_memory.os, "sysconf", lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert _memory.available_bytes() is None


def test_check_fits_refuses_what_does_not_fit(monkeypatch):
    monkeypatch.setattr(_memory, "available_bytes", lambda: 1024 ** 3)
    _memory.check_fits(1024 ** 3, "a model")                   # exactly what is free: fine
    with pytest.raises(ValueError, match=r"a model needs 2.0 GB, more than the 1.0 GB of memory "
                                         r"available on this machine"):
        _memory.check_fits(2 * 1024 ** 3, "a model")
    monkeypatch.setattr(_memory, "available_bytes", lambda: None)
    _memory.check_fits(10 ** 18, "anything")                   # unknown: no check
