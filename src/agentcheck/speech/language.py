"""Which language a sentence is in, cheaply: script first, then telltale words and letters.

The reader applies one language's lexicon per sentence, so a Spanish "no" never reads as
English and the cost stays a handful of regular expressions per sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agentcheck.speech.lexicon import trie

LANGUAGES = ("en", "zh-Hans", "zh-Hant", "ja", "ko", "es", "pt", "de", "fr")

_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
# simplified/traditional pairs of characters that differ between the two Chinese scripts
_PAIRS = (
    "这這们們为為说說时時对對会會后後发發过過关關还還么麼经經门門问問间間单單账帳户戶确確"
    "认認请請给給让讓现現处處务務开開变變记記录錄选選择擇联聯系係应應该該网網页頁订訂签簽"
    "证證书書办辦样樣实實导導员員报報头頭难難话話语語块塊钱錢银銀额額标標东東车車长長无無"
    "与與从從产產营營资資级級组組织織调調货貨库庫阶階议議谈談续續结結机機线線设設置置数數"
    "据據项項师師权權锁鎖态態码碼换換览覽删刪费費统統计計详詳细細购購馈饋复復检檢测測决決"
    "邮郵帮幫装裝号號试試当當吗嗎个個来來进進递遞连連运運达達边邊识識询詢译譯谢謝则則际際"
    "价價优優传傳体體余餘刚剛动動劳勞华華协協卖賣历歷压壓厅廳参參双雙图圖团團园園围圍国國"
    "场場坏壞声聲备備够夠学學宽寬将將层層币幣带帶广廣库庫异異张張归歸彻徹总總战戰执執扩擴"
    "扫掃担擔拟擬拥擁携攜摄攝旧舊显顯术術杂雜条條极極构構档檔检檢欢歡毕畢气氣汇匯没沒沟溝"
    "济濟涨漲温溫满滿点點热熱状狀独獨环環电電画畫监監礼禮离離种種称稱积積稳穩笔筆简簡类類"
    "纪紀约約红紅纳納终終给給继繼维維综綜罗羅职職胜勝脑腦节節范範获獲补補见見规規视視觉覺"
    "讨討训訓讯訊讲講许許论論访訪评評诉訴词詞误誤读讀课課负負质質赔賠赶趕转轉轮輪软軟轻輕"
    "较較辑輯输輸远遠迟遲适適钟鐘铁鐵链鏈销銷错錯闭閉闻聞阅閱队隊陆陸险險随隨顺順须須顾顧"
    "预預领領频頻题題风風飞飛馆館驱驅验驗齐齊妥妥里裡周週")
_SIMPLIFIED = frozenset(_PAIRS[0::2]) - frozenset(_PAIRS[1::2])
_TRADITIONAL = frozenset(_PAIRS[1::2]) - frozenset(_PAIRS[0::2])

# telltale words per Latin-script language (after `text.norm`)
_WORDS = {
    "en": "the and you your is are were has have been i i've it to of with this that please "
          "will was we my done all set sorted for it's that's i'm you'll can't won't don't "
          "both on in at by from an be our their its as or now not so but if also just "
          "here there these those they he she his her them any anything else which what",
    "es": "el los las del al y su sus usted ustedes ya lo les una es con muy pero también hay "
          "eso ese esto quedó aquí ahora cuando más hemos he ha han fue fueron hoy tienda "
          "cuenta viernes jueves puede pueden tiene tengo necesito gracias listo hecho no "
          "qué cómo cuál está están mi me la en si cualquier otra otro",
    "pt": "o os do da dos das na nos nas em um uma você vocês não foi foram seu sua seus suas "
          "já é ao aos pelo pela isso essa esse mas tem há eu ficou aqui agora então muito "
          "vou consegui boa tudo hoje conta sexta quinta loja com preciso obrigado pronto "
          "feito no está estão meu minha a mais me",
    "de": "der die das und ist ich sie ihr ihre ihren ihrem ihrer nicht wurde wurden habe hat "
          "haben mit ein eine einen einem den dem des zu für auf bitte erledigt fertig wir es "
          "noch auch sind wird werden kann können im vom zum zur nach bei aus oder aber "
          "schon jetzt gerne welche welcher welches soll sollte am von laut",
    "fr": "le les des et est je vous votre vos pas été une du au aux sur dans pour avec ce "
          "cette c'est fait terminé nous il elle ne qui mais aussi merci l' d' n' c' qu' "
          "s' j' m' ai avez sont sera être très déjà voilà tout ou où chez sa son ses la en si",
}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _code, _words in _WORDS.items():
    for _w in _words.split():
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _code)
_TOKEN = re.compile(r"[a-zà-ÿœß]+'?")
# spellings one language uses and its neighbours do not (weight 2) or seldom (weight 1):
# inside a word, at its start ("wh", "l'") and at its end ("-ing", "-ção", "-ez")
_INSIDE = {
    "ción": ("es", 2), "ñ": ("es", 2), "¿": ("es", 2), "¡": ("es", 2),
    "ção": ("pt", 2), "ções": ("pt", 2), "ão": ("pt", 2), "õe": ("pt", 2), "nh": ("pt", 2),
    "lh": ("pt", 2), "ã": ("pt", 2), "õ": ("pt", 2), "ç": ("pt", 1), "ô": ("pt", 1),
    "sch": ("de", 2), "ä": ("de", 2), "ö": ("de", 2), "ü": ("de", 2), "ß": ("de", 2),
    "tz": ("de", 1), "ei": ("de", 1),
    "eau": ("fr", 2), "è": ("fr", 2), "œ": ("fr", 2), "û": ("fr", 2), "î": ("fr", 2),
    "ï": ("fr", 2), "ë": ("fr", 2), "é": ("fr", 1),
    "th": ("en", 2),
}
_START = {"ll": ("es", 2), "wh": ("en", 2)}
_END = {"dad": ("es", 1), "je": ("es", 1), "ier": ("es", 1), "dade": ("pt", 1),
        "ei": ("pt", 1), "ou": ("pt", 1), "gem": ("pt", 1), "ung": ("de", 1), "ez": ("fr", 1),
        "ux": ("fr", 1), "ing": ("en", 2), "ed": ("en", 1), "ly": ("en", 1)}
_INSIDE_RX = re.compile(trie("|".join(_INSIDE)))


def _chinese(text: str, default: str = "zh-Hans") -> str:
    chars = set(text)
    trad = len(chars & _TRADITIONAL)
    simp = len(chars & _SIMPLIFIED)
    if trad == simp:  # only characters both scripts share: a Japanese reply's kanji-only line
        return default if default.startswith("zh") or default == "ja" else "zh-Hans"
    return "zh-Hant" if trad > simp else "zh-Hans"


def script_language(text: str, default: str = "zh-Hans") -> str | None:
    """The language a CJK sentence's script gives away, or None for Latin script;
    `default` settles Chinese written only with characters both scripts share."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return _chinese(text, default)
    return None


@lru_cache(maxsize=8192)
def _token_cues(token: str) -> tuple[tuple[str, int], ...]:
    """(language, weight) of everything one word gives away; words repeat, so cached."""
    cues = [(code, 2) for code in _WORD_LANGS.get(token) or _WORD_LANGS.get(token.rstrip("'"), ())]
    if token[-1:] == "'" and len(token) == 2:
        cues.append(("fr", 2))
    for affixes, part in ((_START, token[:2]), (_END, token[-2:]), (_END, token[-3:]),
                          (_END, token[-4:])):
        hit = affixes.get(part)
        if hit and len(token) > len(part):
            cues.append(hit)
    return tuple(cues)


def latin_scores(text: str) -> dict[str, int]:
    """How many telltale words and spellings of each Latin-script language `text`
    (normalised) holds: one tokenising pass with a cached look-up per word, one spelling
    scan."""
    scores = dict.fromkeys(_WORDS, 0)
    for token in _TOKEN.findall(text):
        for code, weight in _token_cues(token):
            scores[code] += weight
    for m in _INSIDE_RX.finditer(text):
        code, weight = _INSIDE[m.group()]
        scores[code] += weight
    return scores


def detect(text: str, default: str = "en") -> str:
    """The language of `text` (normalised), or `default` when nothing gives it away."""
    lang = script_language(text, default)
    if lang:
        return lang
    scores = latin_scores(text)
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else default
