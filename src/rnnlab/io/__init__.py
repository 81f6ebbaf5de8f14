"""Every file rnnlab reads or writes goes through this package: one code path each way.

    files       single files: regular files only (no FIFO, device or link), size limits, JSON;
                atomic writes (temporary, fsync, rename) with the umask's mode, overwrite=
    folders     folders that appear whole or not at all (a swap of two names), and reading a
                folder as one consistent version; deleting only what rnnlab wrote
    arrays      .npz archives checked (names, .npy headers, sizes, memory) before any data is read
    checkpoint  saved models: config.json + params.npz; the model builds itself from what is read

Every failure to read is a CheckpointError (a ValueError) that names the file; every failure to
write is an OSError that names the file. Nothing here imports the model.
"""
from .arrays import read_npz
from .checkpoint import FORMAT, VERSION, is_model_folder, npz_writer, read_model, write_model
from .files import (CheckpointError, atomic_write, check_distinct, clean_temporaries,
                    open_regular, read_bytes, read_json, write_bytes, write_json, write_npz,
                    write_text)
from .folders import Folder, plain_name, remove_folder, write_folder

__all__ = ["CheckpointError", "Folder", "FORMAT", "VERSION", "atomic_write", "check_distinct",
           "clean_temporaries", "is_model_folder", "npz_writer", "open_regular", "plain_name",
           "read_bytes", "read_json", "read_model", "read_npz", "remove_folder", "write_bytes",
           "write_folder", "write_json", "write_model", "write_npz", "write_text"]
