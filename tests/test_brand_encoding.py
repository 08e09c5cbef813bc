"""encoding: mojibake found in every form a Windows-1252 round trip leaves, and never in correct text.

The expected strings are produced here by really encoding and decoding (not typed by hand), so the
tests say what a converter does to a character, not what the rule's table happens to contain.
"""

from __future__ import annotations

import pytest
from test_brand_support import config, find, position, post

from plugins.brand_guard.rules.encoding import UNDEFINED, check_encoding, table


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config(tmp_path_factory.mktemp("brand"))


def cp1252(data: bytes, undefined: str | None = None) -> str:
    """Windows-1252 as browsers decode it: an undefined byte becomes its C1 control (or `undefined`)."""
    return "".join(bytes([b]).decode("cp1252") if b not in UNDEFINED else
                   (chr(b) if undefined is None else undefined) for b in data)


def mangled(char: str, undefined: str | None = None) -> str:
    return cp1252(char.encode("utf-8"), undefined)


def found(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(text[h.start:h.end], h.suggestion, h.replacement) for h in check_encoding(text)]


def test_undefined_bytes_are_the_five_windows_1252_leaves_out():
    assert sorted(UNDEFINED) == [0x81, 0x8D, 0x8F, 0x90, 0x9D]


@pytest.mark.parametrize("char", list("’‘“”–—…•€™éèçñüößøåłśžčőÁÍÏÐÝαβΩжЖщЁ✓★") + ["🎉", "👍", "\u00a0"])
def test_every_character_mangled_once_or_twice_is_found_with_itself_as_the_fix(char):
    once = mangled(char)
    twice = cp1252(once.encode("utf-8"))
    for form in (once, twice):
        text = f"We said{form}then left."
        assert found(text) == [(form, char, char)], (form, found(text))


@pytest.mark.parametrize("tail", ["", " ", "\x9d", "\ufffd"])
def test_closing_quote_that_lost_its_last_byte(tail):
    """” is E2 80 9D; 9D has no Windows-1252 character: dropped, a C1 control, or U+FFFD."""
    text = f"He called it â€œthe closeâ€{tail} and moved on.\nâ€œDoneâ€{tail}"
    hits = check_encoding(text)
    assert [h.suggestion for h in hits] == ["“", "”", "“", "”"]
    closing = [h for h in hits if h.suggestion == "”"]
    assert [text[h.start:h.end] for h in closing] == [f"â€{tail.strip()}"] * 2
    if tail == "\x9d":  # the control says which byte it was: certain
        assert all(h.replacement == "”" for h in closing)
    assert all("mis-decoded" in h.message for h in hits)


def test_truncated_sequence_between_letters_is_a_hyphen_and_the_quote_after_a_word():
    assert found("a wellâ€known firm") == [("â€", "‐", "‐")]
    assert found("the â€œbestâ€ firm")[1] == ("â€", "”", "”")


def test_double_encoded_sequences_are_decoded_to_the_original_character():
    text = "Itâ€™s".encode().decode("cp1252")  # "ItÃ¢â‚¬â„¢s"
    assert found(text) == [("Ã¢â‚¬â„¢", "’", "’")]
    assert found("cafÃƒÂ© and Ã¢â‚¬Å“quotedÃ¢â‚¬Â\x9d") == [
        ("ÃƒÂ©", "é", "é"), ("Ã¢â‚¬Å“", "“", "“"), ("Ã¢â‚¬Â\x9d", "”", "”")]


def test_single_character_remnants():
    assert found("a 10Â km walk") == [("Â ", "\u00a0", "\u00a0")]  # NBSP became "Â" + space
    assert found("Ã‚Â£5 and Â£5") == [("Ã‚Â£", "£", "£"), ("Â£", "£", "£")]
    voila = found("voilÃ  tout")  # à = C3 A0: the no-break space became a space
    assert voila == [("Ã", "à", None)]
    assert found("MarÃa") == [("Ã", "í", None)]  # í = C3 AD: the soft hyphen was stripped
    assert found("a lost \ufffd mark") == [("\ufffd", None, None)]


def test_a_mangled_word_is_one_finding():
    text = mangled("Город") + " " + mangled("растёт")
    assert found(text) == [(mangled("Город"), "Город", "Город"), (mangled("растёт"), "растёт", "растёт")]
    assert found("ÐŸÑ€Ð¸Ð²ÐµÑ‚") == [("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет", "Привет")]
    assert found("Î‘Î¸Î®Î½Î±") == [("Î‘Î¸Î®Î½Î±", "Αθήνα", "Αθήνα")]


CORRECT = {
    "German": "Größe, Straße, Fußgänger, ÄRGER, Übergröße, „Zitat“ – »Gänse«, GRÜẞE, Österreich’s",
    "French": "L’été, château, pâte, œuvre, « Ça va ? » — À bientôt, Noël, maïs, Ève, ÇA, CAFÉ… “CAFÉ”, "
              "DÉCOLLETÉ”, Â, l’âme, Ô",
    "Portuguese": "São Paulo, NÃO, IRMÃ, “IRMÃ”, MAÇÃ, IRMÃ , ação, põe, Conceição, cães, mãe, Ã la, ÃO",
    "Vietnamese": "Tiếng Việt: Ẫ ẫ Ã ã Nguyễn Thị Ngã, Âu Cơ, Â Nguyễn",
    "Nordic": "Smörgåsbord, Ørsted, Øst”, DANSK Ø», “PÅ”, „Å”, Þórður, ÐÞÆ, FJÖRÐ”, Ångström",
    "Spanish": "ESPAÑA”, AÑO, “ESPAÑA”, ¿Qué?, ¡Olé!",
    "Romanian and Polish": "în, îşi, ţară, ÎNTÂI, ȘTIINȚĂ, Łódź, ŻÓŁW",
    "Greek": "Αθήνα, Ελλάδα, «ΑΘΗΝΑ», Ωμέγα, λόγος",
    "Cyrillic": "Привет, мир! «Москва» — ЁЖ, Ђ, Київ, ґанок",
    "CJK": "中文，日本語、한국어「引用」『本』",
    "emoji": "👍🏽 🎉 🇩🇪 ❤️ ✓ ★ 👨‍👩‍👧 ☕ € £ ¥ ™ © ° ±",
}


@pytest.mark.parametrize("language", CORRECT)
def test_correct_text_in_any_script_is_left_alone(language):
    text = CORRECT[language]
    assert found(text) == []
    assert found(text.lower()) == [] and found(text.upper()) == []


def test_the_table_is_derived_and_exact_forms_have_one_meaning():
    forms = table()
    assert forms["â€™"] == ("’",) and forms["Ã©"] == ("é",) and forms["ðŸŽ‰"] == ("🎉",)
    assert forms["â€"][0] == "”" and "‐" in forms["â€"]  # a lost last byte: several candidates
    assert all(len(form) >= 2 for form in forms)


def test_the_codec_decoders_are_the_translation_tables():
    """`_ONCE`'s decoders (the cp1252 codec with an error handler, in C) give exactly what the
    plain Latin-1 + translation-table decoders give, on every byte and on hostile byte strings."""
    import random

    from plugins.brand_guard.rules import encoding

    plain = {"c1": encoding._decoder(None), "dropped": encoding._decoder(""),
             "fffd": encoding._decoder("\ufffd")}
    rng = random.Random(7)
    samples = [bytes([b]) for b in range(256)] + [b"", bytes(range(256)), bytes(range(256))[::-1]]
    samples += [bytes(rng.choice(range(256)) for _ in range(rng.randint(1, 400))) for _ in range(300)]
    samples += [bytes(rng.choice(sorted(UNDEFINED) + [0x0A, 0xE2, 0x80, 0xC3]) for _ in range(200))
                for _ in range(50)]
    samples += ["\udc81 \udc8d".encode("utf-8", "surrogatepass"), "é\n\x81 €".encode()]
    samples += [text.encode("utf-8") for text in CORRECT.values()]
    for name, decode in plain.items():
        for data in samples:
            assert encoding._ONCE[name](data) == decode(data), (name, data)
    assert encoding._ONCE["latin-1"](bytes(range(256))) == bytes(range(256)).decode("latin-1")


def test_the_batched_table_is_the_table_built_one_character_at_a_time():
    """`table()` decodes every character's UTF-8 in one pass per decoding; the result (order
    included) is what the loop per character builds, with the plain translation-table decoders."""
    from plugins.brand_guard.rules import encoding

    plain = {"c1": encoding._decoder(None), "dropped": encoding._decoder(""),
             "fffd": encoding._decoder("\ufffd"), "latin-1": encoding._latin1}
    chars = encoding._meant()
    by_char = encoding._table_by_char(chars)
    assert list(table().items()) == list(by_char.items())
    saved = dict(encoding._ONCE)
    try:
        encoding._ONCE.update(plain)
        assert list(encoding._table_by_char(chars).items()) == list(by_char.items())
    finally:
        encoding._ONCE.update(saved)
    assert len(by_char) > 10_000


def test_positions_suggestions_and_severity_in_a_post(cfg):
    src = post("She said â€œyesâ€ to the 10Â km plan.\nNext line â€”done.\n")
    hits = find(cfg, src, "encoding")
    assert [(f.line, f.column, f.suggestion, f.severity) for f in hits] == [
        (*position(src, "â€œ"), "“", "warning"), (*position(src, "â€ "), "”", "warning"),
        (*position(src, "Â "), "\u00a0", "warning"), (*position(src, "â€”"), "—", "warning")]


def test_mojibake_fragments_do_not_make_a_sentence_long():
    from plugins.brand_guard.rules.readability import long_sentences

    words = " ".join(["word"] * 9)  # 12 words in all
    clean = f"“one” “two” “three” {words}."
    mangled_text = clean.replace("“", mangled("“")).replace("”", mangled("”", ""))
    assert long_sentences(clean, 12) == [] and long_sentences(mangled_text, 12) == []
    assert len(long_sentences(clean.replace("word", "word more", 1), 12)) == 1


@pytest.mark.parametrize("text", ["ÅBENRÅ’s harbour", "the IRMÃ’s shop", "MAÇÃ’S", "SKÅ's team",
                                  "VÅ’s, PÃ’s"])
def test_an_all_caps_name_before_a_possessive_is_left_alone(text):
    """'Å’' is also 'Œ' mangled; after a capitals word and before "s" it is an English possessive
    ("ÅBENRÅ’s"), and a certain fix would have rewritten it to "ÅBENRŒs"."""
    assert found(text) == []


def test_a_mangled_possessive_after_a_lower_case_word_is_still_found():
    assert found("the company" + mangled("’") + "s plan") == [(mangled("’"), "’", "’")]
    assert found("C" + mangled("Œ") + "UR") == [(mangled("Œ"), "Œ", "Œ")]


def test_a_long_mangled_run_is_one_finding_built_once():
    """Joining adjacent hits pairwise copied the run for each character: a 50,000-character line of
    mangled Cyrillic without spaces took minutes. Now one finding, its parts joined once."""
    word = "Привет"
    assert found(mangled(word) * 300) == [(mangled(word) * 300, word * 300, word * 300)]
    lossy = mangled(word) + mangled("”", "") + mangled(word)  # an unsure part: no replacement
    [(seen, meant, replacement)] = found(lossy)
    assert seen == lossy and meant.startswith(word) and replacement is None


def run_child(code: str, text: str) -> str:
    """`code` over `text` in a child process with a generous limit: a hang fails, nothing is timed."""
    import subprocess
    import sys

    from sitebuild import REPO
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True,
                          cwd=REPO, timeout=90, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("text", [
    mangled("Привет") * 9000,  # mangled Cyrillic without a space
    "Ã©" * 25_000,  # every letter of a long line mangled
    "“" * 50_000,  # opening quotes that never close (the closing one lost in a conversion)
    ("He said “no " * 5000) + "\n\n" + "«" * 30_000 + '"' * 30_001,
])
def test_hostile_lines_are_checked_in_linear_time(text):
    code = ("import sys; from plugins.brand_guard.core import check_source, load_config; "
            "cfg = load_config('tests/data/brand_eval/brand.yml'); "
            "r = check_source('x.md', 'Title: t\\nDate: 2024-01-01\\n\\n' + sys.stdin.read(), cfg); "
            "print(len(r.findings))")
    assert int(run_child(code, text)) >= 0
