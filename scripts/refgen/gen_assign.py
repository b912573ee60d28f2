"""Reference values for src/registry/assign.ts (test/registry/assign.test.ts).

The bucket of a subject in an experiment is the first 48 bits of
sha256(f"{utf8 length of experiment}:{experiment}{subject}") divided by 2**48; computed here with
hashlib, independently of Node's crypto. Also prints the chi-square critical value used
for the uniformity check. Run: python3 scripts/refgen/gen_assign.py
"""

import hashlib
import json

from scipy import stats


def bucket(experiment: str, subject: str) -> float:
    text = f"{len(experiment.encode('utf-8'))}:{experiment}{subject}".encode("utf-8")
    digest = hashlib.sha256(text).digest()
    return int.from_bytes(digest[:6], "big") / 2**48


CASES = [
    ("production#1", "customer-1"),
    ("production#1", "customer-2"),
    ("production#2", "customer-1"),
    ("exp-2026-06", "42"),
    ("ünïcode", "客户-7"),
    ("a", "bc"),
    ("ab", "c"),
    ("rocket-\U0001F680", "subject-\U0001F600"),
]

print(
    json.dumps(
        {
            "buckets": [[e, s, bucket(e, s)] for e, s in CASES],
            # 20 equal bins, 19 degrees of freedom, upper 1e-6 tail.
            "chi2_crit_df19_p1e-6": stats.chi2.isf(1e-6, 19),
        },
        indent=2,
        ensure_ascii=False,
    )
)
