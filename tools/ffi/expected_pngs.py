"""Writes the inputs of the C conformance check from Meta's expected hashes.

Reads ../shared/testdata/threatexchange/pdq/expected/generated-pdqhash-0.2.8.csv
(Meta's C++ PDQ via PyPI pdqhash, python-threatexchange's pipeline) and writes:

- OUT/known.csv: every hash of that table as "hash,quality", the list
  `kenmerk db import` turns into the indicator file (ids are line numbers);
- OUT/expected.csv: one line per PNG, "path,hash,quality,indicator,dihedral"
  with the eight dihedral hashes joined by "|" (the PNGs whose PIL mode the
  reference hashes differently on purpose are left out; see
  crates/kenmerk/tests/conformance.rs).

PNG decoding is identical everywhere, so these must match bit for bit.
"""

import csv
import pathlib
import sys

QUIRKS = {
    "pdq/data/misc-images/modes/P.png",
    "pdq/data/misc-images/modes/1.png",
    "python-threatexchange/tests-hashing-resources/I16.png",
}


def main() -> None:
    shared, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2])
    table = shared / "pdq/expected/generated-pdqhash-0.2.8.csv"
    out.mkdir(parents=True, exist_ok=True)
    known, expected = [], []
    with open(table, newline="") as f:
        for row in csv.DictReader(f):
            indicator = len(known)
            known.append(f"{row['pdq_pytx']},{row['quality_pytx']}")
            rel = row["path"]
            if not rel.lower().endswith(".png") or rel in QUIRKS:
                continue
            notes = row["notes"]
            if "=" not in notes:
                sys.exit(f"{table}: no dihedral hashes for {rel}")
            dihedral = notes.rsplit("=", 1)[1].strip()
            if len(dihedral.split("|")) != 8:
                sys.exit(f"{table}: {rel}: want 8 dihedral hashes")
            path = shared / rel
            expected.append(
                f"{path},{row['pdq_pytx']},{row['quality_pytx']},{indicator},{dihedral}"
            )
    (out / "known.csv").write_text("\n".join(known) + "\n")
    (out / "expected.csv").write_text("\n".join(expected) + "\n")
    print(f"expected_pngs: {len(expected)} PNGs, {len(known)} indicators", file=sys.stderr)


if __name__ == "__main__":
    main()
