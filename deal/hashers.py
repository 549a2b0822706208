"""How staff passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class StaffArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with 12 MiB of memory, 3 passes, 1 lane: one of the settings
    OWASP's Password Storage Cheat Sheet gives as equal to its first choice
    (19 MiB, 2 passes). Argon2id is the cheat sheet's first recommendation; its
    cost is in memory, which a password-guessing GPU lacks, rather than in CPU
    time, which the app server lacks. A sign-in costs about a fifteenth of the
    CPU of PBKDF2 at Django's 1,000,000 iterations (80 ms against 1.4 s on the
    benchmark machine), so a morning's burst of sign-ins does not hold up
    everyone's pages; 12 MiB
    (rather than Django's default 100 MiB) keeps four threads hashing at once
    within a worker's memory. Passwords stored with PBKDF2 still work and are
    stored again with this the next time their owner signs in."""

    time_cost = 3
    memory_cost = 12 * 1024
    parallelism = 1
