"""Your own data: padding, windows, splits, vocabularies and file readers (NumPy only).

    X, mask = rl.data.pad_sequences(list_of_T_i_by_D_arrays)      # ragged -> (B, T, D) + mask
    X, Y = rl.data.windows(series, length=24, horizon=1)          # forecasting windows (views)
    X_tr, X_va, Y_tr, Y_va = rl.data.train_val_split(X, Y, time_ordered=True)
    vocab = rl.data.Vocabulary.from_text(text, level="char")      # or level="word"
    values, names = rl.data.read_csv("series.csv", columns=["value"])

The folder also ships the built-in offline series (sunspots.csv, nile.csv; see README.md here),
which rnnlab.tasks.timeseries reads.
"""
from .readers import read_csv, read_npy, read_npz, read_text
from .sequences import pad_sequences, train_val_split, unpad, windows
from .vocab import UNKNOWN, Vocabulary, tokenize

__all__ = ["pad_sequences", "unpad", "windows", "train_val_split", "Vocabulary", "UNKNOWN",
           "tokenize", "read_csv", "read_npy", "read_npz", "read_text"]
