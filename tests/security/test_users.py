"""Editor accounts: hashing, and `reader user add|list|remove|password`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.errors import InputError
from reader.users import Users, hash_password, verify_password
from tests.security.conftest import snapshot

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


@pytest.fixture
def reader(instance):
    """`reader …` in-process, with typed input for the password prompts."""

    def run(*args, input=None):
        return CliRunner().invoke(main, ["--instance", str(instance), *args], input=input,
                                  catch_exceptions=False)

    return run


def test_hashes_are_salted_scrypt_and_verify():
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("scrypt$32768$8$1$")
    assert verify_password(a, "correct horse battery")
    assert not verify_password(a, "correct horse batterz")
    assert not verify_password("garbage", "x") and not verify_password("md5$1$2$3$4$5", "x")


def test_user_add_asks_twice_and_stores_only_a_hash(reader, library):
    r = reader("user", "add", "ada", input="correct horse battery\ncorrect horse battery\n")
    assert r.exit_code == 0, r.output
    assert "Repeat the password" in r.output and "correct horse" not in r.output
    [stored] = [line for line in snapshot(library) if "ada" in line and "users" in line]
    assert "correct horse" not in stored and "'scrypt$" in stored
    assert Users(library).authenticate("ada", "correct horse battery").name == "ada"
    assert Users(library).authenticate("ADA", "correct horse battery").name == "ada"


def test_user_add_repeats_until_the_two_match_and_are_long_enough(reader, library):
    r = reader("user", "add", "bo", input="short\nshort\n"
               "a long password 1\na long password 2\n"
               "a long password 3\na long password 3\n")
    assert r.exit_code == 0, r.output
    assert "at least 10 characters" in r.output
    assert "The two entered values do not match" in r.output
    assert Users(library).authenticate("bo", "a long password 3") is not None


@pytest.mark.parametrize("name", ["", ".x", "has space", "a/b", "x" * 65, "<script>"])
def test_bad_names_are_refused(reader, library, name):
    r = reader("user", "add", name, input="a long password\na long password\n")
    assert r.exit_code == 1 and "user name" in r.output
    assert Users(library).list() == []


def test_list_remove_and_password(reader, library):
    reader("user", "add", "ada", input="first password 1\nfirst password 1\n")
    assert reader("user", "add", "Ada", input="x" * 12 + "\n" + "x" * 12 + "\n").exit_code == 1
    r = reader("user", "list")
    assert r.output.startswith("ada\tadded ")
    stamp = Users(library).list()[0].session_stamp
    r = reader("user", "password", "ada", input="second password\nsecond password\n")
    assert r.exit_code == 0
    assert Users(library).authenticate("ada", "first password 1") is None
    assert Users(library).authenticate("ada", "second password") is not None
    assert Users(library).list()[0].session_stamp != stamp  # sessions ended
    assert reader("user", "remove", "ada").exit_code == 0
    assert reader("user", "remove", "ada").exit_code == 1
    assert "No editors yet" in reader("user", "list").output
    assert reader("user", "password", "nobody", input="").exit_code == 1


def test_store_refuses_weak_and_duplicate(library):
    users = Users(library)
    with pytest.raises(InputError, match="at least 10"):
        users.add("ada", "short")
    users.add("ada", "long enough pw")
    with pytest.raises(InputError, match="already"):
        users.add("ADA", "long enough pw")


def test_unknown_names_and_wrong_passwords_cost_the_same_check(library, monkeypatch):
    """An unknown name still runs one scrypt check, so timing does not reveal names."""
    import reader.users as users_mod

    calls = []
    real = users_mod.verify_password
    monkeypatch.setattr(users_mod, "verify_password",
                        lambda stored, pw: calls.append(stored) or real(stored, pw))
    users = Users(library)
    users.add("ada", "long enough pw")
    assert users.authenticate("nobody", "whatever pw") is None
    assert users.authenticate("ada", "wrong wrong pw") is None
    assert len(calls) == 2 and all(c.startswith("scrypt$32768$") for c in calls)
