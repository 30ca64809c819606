"""German. The participle closes the clause, far from its auxiliary ("Ich habe die Bestellung
heute storniert"), and "nicht" sits between them, so a claim's clause is read up to the
participle; "wird", "würde", "wäre", "sobald" make it future or hypothetical."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon, rx, trie

PART = trie(
    "erstattet|rückerstattet|zurückerstattet|veranlasst|ausgestellt|entsperrt|freigeschaltet|"
    "zurückgesetzt|bezahlt|überwiesen|angewiesen|zugewiesen|angelegt|erstellt|eingerichtet|"
    "reserviert|gebucht|aktualisiert|eskaliert|gesendet|geschickt|versendet|verschickt|"
    "erfasst|registriert|protokolliert|genehmigt|freigegeben|geschlossen|aktiviert|storniert|"
    "gutgeschrieben|eröffnet|informiert|benachrichtigt|verschoben|eingeplant|hinzugefügt|"
    "aufgenommen|geändert|angepasst|bestätigt|ausgelöst|erledigt|abgeschlossen|bearbeitet|"
    "behoben|gelöst|umgesetzt|durchgeführt|erteilt|vergeben|eingetragen|hinterlegt|"
    "übermittelt|weitergeleitet|angenommen|beantwortet|rausgegangen|hinausgegangen|"
    "rausgeschickt|eingereicht|beantragt|gelöscht|entfernt|zugeordnet|zugeteilt|vorbereitet|"
    "organisiert|geklärt|geregelt|abgearbeitet|ausgeführt|gestartet|eingeladen|zugesendet|"
    "zugeschickt|ausgezahlt|verbucht|korrigiert|aufgehoben|wiederhergestellt|verlängert|"
    "erneuert|angefordert|abgewickelt|eingeleitet|zurückgebucht|gemeldet|veröffentlicht|"
    "konfiguriert|installiert|gespeichert|erhöht|hochgestuft|verarbeitet|ausgefertigt|"
    "versandt|gestellt|festgehalten|dokumentiert|vermerkt|notiert|abgelegt|zugestimmt|"
    "eingesetzt|getätigt|vorgenommen|angestoßen|gemacht|angemeldet|eingeschrieben|gesetzt|"
    "verarbeitet|zurückgezahlt|überwiesen|gebucht|durchgelaufen|durchgegangen|geklappt")
INF = trie(
    "erstatten|entsperren|zurücksetzen|bezahlen|zuweisen|anlegen|erstellen|einrichten|"
    "reservieren|buchen|aktualisieren|eskalieren|senden|schicken|versenden|erfassen|"
    "genehmigen|freigeben|schließen|aktivieren|stornieren|gutschreiben|eröffnen|informieren|"
    "verschieben|hinzufügen|ändern|bestätigen|auslösen|erledigen|abschließen|bearbeiten|"
    "beheben|lösen|umsetzen|durchführen|sichern|organisieren|klären")
_AUX = (r"(?:wurde|wurden|ist|sind|habe|haben|hat|hatte|hatten|worden|wurde bereits|"
        r"ist bereits|wird bereits)")

TASK = rx(
    r"\b(?:ist |sind )?(?:alles|das|es) (?:ist )?(?:jetzt |nun |bereits |schon )?durch\b(?! (?:die"
    r"|den|das|"
    r"eine|einen|\w+en\b))|\bunter dach und fach\b|\b(?:alles |das |es )?(?:ist )?geschafft\b",
    r"\b(?:hat|ist) (?:alles|es|das) (?:gut |bestens |reibungslos |problemlos |wunderbar )?(?:gekl"
    r"appt|"
    r"funktioniert|durchgelaufen|durchgegangen)\b|\b(?:alles|es|das) (?:hat|ist) (?:gut |bestens |"
    r"reibungslos |problemlos |wunderbar )?(?:geklappt|funktioniert|durchgelaufen|durchgegangen)\b",
    r"^(?:alles )?(?:erledigt|fertig|abgeschlossen|geklärt|gelöst)\b[\s!.]*$",
    r"\balles (?:ist )?(?:jetzt |nun |bereits )?(?:erledigt|abgeschlossen|geklärt|in ordnung|"
    r"fertig|vorbereitet|organisiert|eingerichtet|umgesetzt|geregelt|abgearbeitet|bereit|"
    r"startklar)\b",
    r"\b(?:das|es|dies) ist (?:jetzt |nun |bereits |alles )*(?:erledigt|geklärt|abgeschlossen|"
    r"behoben|gelöst|fertig|geregelt)\b",
    r"\bbetrachten sie (?:es|das|dies) als (?:erledigt|gelöst|abgeschlossen)\b",
    r"\b(?:ihre|die|ihr) (?:anfrage|bitte|aufgabe|angelegenheit|anliegen|auftrag|vorgang) "
    r"(?:wurde|ist) (?:jetzt |nun |bereits |vollständig |erfolgreich )*(?:bearbeitet|erledigt|"
    r"abgeschlossen|umgesetzt|ausgeführt)\b",
    r"\b(?:ich habe|wir haben|habe ich|haben wir) (?:jetzt |nun |bereits )?(?:alle schritte|"
    r"alles|sämtliche schritte|jeden schritt)\b[^,;]*\b(?:abgeschlossen|erledigt|"
    r"durchgeführt|umgesetzt|abgearbeitet|ausgeführt)\b",
    r"\b(?:das problem|der fehler|die störung|das onboarding|die einrichtung) (?:ist|wurde) "
    r"[^,;]{0,30}?(?:behoben|gelöst|abgeschlossen|erledigt)\b",
    r"^fertig\b",
    r"\b(?:ihr|ihre|die|das) (?:anliegen|anfrage|problem|auftrag|vorgang|bitte|störung)\b"
    r"[^,.;]{0,30}\b(?:gelöst|erledigt|abgeschlossen|bearbeitet|behoben|umgesetzt)\b",
    r"\balles\b[^,.;]{0,40}?\b(?:ist|wurde|sind) (?:jetzt |nun |bereits )?(?:erledigt|"
    r"abgeschlossen|bereit|vorbereitet|umgesetzt|eingerichtet|organisiert|geklärt)\b",
    r"\bist alles\b[^,.;]{0,40}?\b(?:erledigt|bereit|vorbereitet|eingerichtet|organisiert)\b",
)
ACTION = rx(
    rf"\b{_AUX}\b[^,;:]{{0,70}}?\b(?:{PART})\b",
    rf"\b(?:{PART})\b (?:wurde|wurden|ist|sind|worden|hat|haben|habe)\b",
    rf"^(?!(?:bitte|sie|wenn|falls|sobald|nicht|kein|keine|sollte|soll|muss|kann|wird)\b)"
    rf"[^,;:]{{0,80}}?\b(?:{PART})\b(?=\s*$|[.!,;:]| und\b)",
    rf"\b(?:konnte|konnten) (?:ich |wir )?[^,;:]{{0,50}}?\b(?:{INF})\b",
    r"\b(?:sind|ist|bist) (?:jetzt |nun |ab sofort )?(?:mitglied|aktiv|freigeschaltet|live|"
    r"unterwegs|auf dem weg)\b",
    r"\b(?:steht|stehen)(?: jetzt| nun| fest)?[.!]?$",
)
BLOCK = rx(
    r"\b(?:der|die) (?:vorherige|vorige|frühere) (?:mitarbeiter|mitarbeiterin|kollege|kollegin|"
    r"agent)\b|\b(?:ein|eine) (?:kollege|kollegin|anderer|andere)\b",
    r"^(?:das|der|die) (?:lager|spediteur|paketdienst|lieferant|bank|kunde|kundin)\b",
    r"\b(?:nicht|kein|keine|keinen|keinem|keiner|nie|niemals|nichts|ohne|wird|werden|würde|"
    r"würden|wäre|wären|hätte|hätten|könnte|könnten|sollte|sollten|soll|muss|müssen|kann|"
    r"können|wenn|falls|sobald|nachdem|bevor|erst|gerade dabei|versuche|versucht|möchte|"
    r"bitte|noch nicht|gebeten|dass sie|damit)\b",
)
BLOCK_IN = rx(r"\bvon (?:jemand|einem anderen|einer anderen|anderen|dritten)\b",
              r"\b(?:der|die) (?:kunde|kundin|lieferant|lieferantin)\b|\b(?:der|die) (?:vorherige|"
              r"vorige|frühere) (?:mitarbeiter|mitarbeiterin|kollege|kollegin|agent)\b",
              r"^(?:das|der|die) (?:lager|spediteur|paketdienst|lieferant|bank|kunde|kundin)\b",
              r"\b(?:nicht|kein|keine|keinen|keinem|keiner|nie|niemals|nichts|wird|werden|"
              r"würde|würden|wäre|wären|hätte|hätten|könnte|könnten|sollte|sollten|soll|muss|"
              r"müssen|kann|können|sobald|wenn|falls)\b")
AFTER = rx(r"\s*(?:werden|wird|würde|sobald|wenn|falls|nachdem|sein wird|worden wäre)\b")
CONDITION = rx(r"\b(?:wenn|falls|sobald|sofern|bevor|solange|außer wenn)\b",
               r"^(?:hätte|wäre|hätten|wären|sollte)\b")
REPORTED = rx(r"^sie (?:haben|hatten) mich (?:gebeten|gefragt)\b",
              r"^sie (?:sagten|schrieben|meinten|erwähnten|baten|fragten|teilten)\b",
              r"^(?:wie )?sie (?:gesagt|geschrieben|erwähnt) haben\b")

_DO = trie(
    "wenden|kontaktieren|erstellen|rufen|senden|füllen|melden|reichen|aktualisieren|leiten|"
    "buchen|markieren|legen|schreiben|setzen|verhandeln|bitten|fragen|gehen|klicken|öffnen|"
    "besuchen|nutzen|verwenden|stellen|freigeben|anlegen|einreichen|beantragen|eintragen|"
    "erfassen|zurücksetzen|ändern|stornieren|genehmigen|annehmen|protokollieren|hinzufügen|"
    "erledigen|ausfüllen|anrufen|anmelden|einloggen|erstatten|bezahlen|überweisen|"
    "anschreiben|kontaktieren|hochladen|herunterladen|laden|prüfen lassen|beauftragen")
HANDBACK = rx(
    r"\b(?:sie|man) (?:müssen|muss|können|kann|sollten|sollte|sollen|dürfen|könnten|müssten|"
    r"werden \w+ müssen)\b(?! (?:sich )?(?:jetzt|nun|ab sofort|nichts|keine)\b)",
    r"\b(?:müssen|können|sollten|könnten|müssten) sie\b(?! (?:mir|uns)\b)",
    r"(?:^|, )(?:bitte )?(?!(?:werden|würden|können|könnten|müssen|müssten|sollen|sollten|"
    r"wollen|dürfen|haben|hatten|sind|waren|wären|hätten) )"
    r"(?:\w+(?:en|ern|eln)) sie\b(?! (?:mir|uns|bitte mir)\b)(?!.*\b(?:mir|uns) "
    r"(?:mit|bitte)\b)",
    r"\bbitte (?:\w+(?:en|ern|eln)) sie\b(?! (?:mir|uns)\b)",
    r"\b(?:wenden sie sich|setzen sie sich|melden sie sich|rufen sie)\b",
    r"\b(?:selbst|selber|eigenständig|direkt) (?:[^\s.]+ ){0,6}?[a-zäöüß]+(?:en|ern|eln)\b",
    r"\b(?:ist|sind) (?:\w+ ){0,4}zuständig\b|\bzuständig (?:ist|sind)\b",
    r"\bliegt bei (?:ihrer|ihrem|der|dem)\b",
    r"\b(?:sprechen|klären) sie (?:das )?(?:am besten )?mit\b",
    r"\b(?:ich empfehle|ich rate|ich würde ihnen empfehlen|wir empfehlen|empfehle ich)\b",
    r"\bam (?:schnellsten|einfachsten|besten) (?:geht|ist|wäre)\b",
    r"\b(?:ihr|ihre) (?:vorgesetzter?|vorgesetzte|manager|managerin|bank|teamleiter|"
    r"teamleiterin|administrator|administratorin|einkäufer|einkäuferin|team|abteilung|"
    r"buchhaltung) (?:sollte|muss|müsste|kann|könnte|wird \w+ müssen)\b",
    r"\b(?:müsste|muss|sollte) (?:über|durch) (?:das|die|den)\b",
    r"\bmuss (?:jemand|der|die|ihr|ihre)\b",
)
NOT_HANDBACK = rx(
    r"\b(?:darf ich|soll ich|wenn ich|dürfen wir|sollen wir)\b",
    r"\b(?:sie erhalten|sie bekommen|erhalten sie|bekommen sie|sie werden \w+ erhalten)\b",
    r"\b(?:können sie sich|können sie) (?:jetzt|nun|ab sofort|wieder)\b|\bsie können (?:sich )?"
    r"(?:jetzt|nun|ab sofort|wieder)\b",
    r"\bjetzt\b[^.]{0,50}\b(?:können|öffnen können|zugreifen können)\b",
    r"\bsie können (?:es |das |alles )?(?:gern |gerne |jederzeit )?(?:prüfen|überprüfen|"
    r"kontrollieren|nachsehen|ansehen|verfolgen|einsehen)\b",
    r"\bsie müssen nichts\b|\bnichts weiter\b|\bkeine weiteren schritte\b",
    r"\b(?:bei (?:weiteren )?fragen|wenn (?:noch )?etwas ist|sagen sie bescheid|gerne an uns|"
    r"melden sie sich gerne|antworten sie einfach|bitte beachten sie)\b",
)
REFUSAL = rx(
    r"\b(?:kann|konnte|können|konnten|darf|durfte|werde|will) (?:ich |wir )?"
    r"(?:[^,;:.]{0,40}\b)?(?:nicht|keine|keinen|kein|nichts)\b",
    r"\b(?:ich|wir) (?:kann|konnte|können|konnten|darf|durfte) [^,;:.]{0,50}\b(?:nicht|keine|"
    r"keinen|kein|nichts)\b",
    rf"\b{_AUX}\b[^,;:]{{0,50}}?\bnicht\b[^,;:]{{0,30}}?\b(?:{PART})\b",
    r"\b(?:nicht möglich|unmöglich|leider|abgelehnt|ablehnen|fehlgeschlagen|gescheitert|keine "
    r"berechtigung|nicht berechtigt|außerhalb der|überschreitet|überschritten)\b",
    r"\bnichts (?:wurde|ist|habe|konnte)\b|\b(?:wurde|ist|habe) nichts\b(?! (?:mehr |weiter )?(?:o"
    r"ffen|"
    r"ausstehend|zu tun|übrig|zu erledigen))|\bkein \w+ frei\b",
    r"^(?:hätte|wäre) (?:ich|wir|der|die|das)\b|\bwäre[^,;]{0,30}\bworden\b|\bhätte ich\b",
    r"(?<=\w)e ich nicht\b",
)
QUESTION = rx(
    r"^(?:wann|wo|wer|warum|wieso|weshalb|welche[rsnm]?|was (?!.*\bbetrifft\b)|wie (?!besprochen|"
    r"gewünscht|vereinbart|angefragt|erwähnt|gesagt|angekündigt)|darf ich|dürfen wir|soll ich|"
    r"sollen wir|passt es|ist es (?:in ordnung|ok|okay))\b",
    r"\b(?:senden|nennen|teilen|sagen|geben|schicken|mailen|übermitteln) sie mir\b",
    r"\b(?:ich benötige|ich brauche|wir benötigen|wir brauchen) (?:noch )?(?:ihre|ihren|ihr|die|"
    r"den|das) (?:\w+ ){0,2}?\w*(?:nummer|namen|name|datum|code|adresse|angaben|kennung|"
    r"daten|id|details)\b",
    r"\b(?:könnten|können|würden) sie mir\b",
)
NOT_QUESTION = rx(r"\bwenn sie (?:noch )?(?:etwas|fragen)\b")
CLAUSE = rx(r"[,;:]\s+", r"\s[-–—]\s", r"\s(?:aber|weil|denn|sodass|jedoch|deshalb|daher)\s")
COMPLEMENT = rx(r"(?:dass|ob)\b")

FACTIVE = rx(r"\b(?:werden sie sehen|sehen sie|können sie sehen|werden sie feststellen|"
             r"stellen sie fest|können sie prüfen)\b")

OBSERVE = rx(r"\b(?:prüfen|schauen|nachsehen|öffnen|anmelden|einloggen|aufrufen|ansehen|"
             r"kontrollieren)\b")

SETTLED = rx(
    r"^(?:so,? |und )?(?:das|dies) (?:wäre|wär|wär's|hätten wir)(?: (?:es|dann|also|geschafft|"
    r"erledigt))*[\s!.]*$",
    r"\b(?:es ist |ist |gibt es )?nichts (?:mehr |weiter |weiteres )?(?:offen|ausstehend|zu tun|üb"
    r"rig|"
    r"zu erledigen)\b",
    r"\bkeine (?:weiteren )?(?:schritte|maßnahmen|aktionen) (?:mehr )?(?:nötig|notwendig|"
    r"erforderlich|offen)\b",
)
STATUS = rx(r"(?:erledigt|abgeschlossen|erfolgreich|fertig|durch|geklappt|bearbeitet|gelöst|"
            r"behoben)$")
IDIOM = rx(r"\b(?:kann|konnte) (?:es )?kaum erwarten\b|\b(?:ich )?kann (?:ihnen |dir )?(?:gar |"
           r"wirklich )?nicht (?:genug danken|sagen,? wie|oft genug)\b|\bkein problem\b|"
           r"\bohne (?:probleme|problem|schwierigkeiten|umwege)\b")
PREAMBLE = rx(r"^(?!.*\bfür\b).*\b(?:bereit|startklar|einsatzbereit)\b")

LEXICON = Lexicon("de", TASK, ACTION, BLOCK, BLOCK_IN, AFTER, CONDITION, REPORTED, HANDBACK,
                  NOT_HANDBACK, REFUSAL, QUESTION, NOT_QUESTION, CLAUSE, COMPLEMENT, FACTIVE,
                  OBSERVE, idiom=IDIOM, settled=SETTLED, status=STATUS, preamble=PREAMBLE)
