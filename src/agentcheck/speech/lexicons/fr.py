"""French. "ne ... pas" wraps the auxiliary ("n'a pas été remboursée"), future and conditional
live in the verb (sera, serait, aurait), and "si", "dès que", "une fois" make a condition."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon, rx, trie

# -er participle stems (+ é/ée/és/ées), and irregular participles (+ e/s/es)
_STEM = trie(
    "rembours|effectu|réinitialis|débloqu|déverrouill|pay|régl|attribu|assign|cré|réserv|"
    "escalad|envoy|enregistr|consign|approuv|valid|notifi|inform|clôtur|ferm|activ|appliqu|"
    "autoris|planifi|programm|annul|trait|termin|transfér|ajout|configur|modifi|chang|"
    "confirm|crédit|lanc|finalis|boucl|vers|accord|allou|affect|déclench|exécut|opér|restaur|"
    "réactiv|débit|fix|plac|command|accept|revers|recrédit||invit|rédig|rappel|relanc|sauvegard|pass|"
    "procéd|organis|envoy|intégr|inscri|mis à jour|mise à jour")
_IRREG = trie("rétabli|établi|fourni|rempli|saisi|réussi|abouti|accompli|"
              "ouvert|émis|prévenu|résolu|soumis|clos|fait|transmis|inscrit|pris en compte|"
              "mis à jour|mis en place|remis|admis|repris|pris")
PART = rf"(?:(?:{_STEM})(?:ée|és|ées|é)|(?:{_IRREG})(?:e|es|s)?)\b"
_AUX = r"(?:a|ont|avons|ai|as|avez|est|sont|été|suis|sommes|êtes|a bien|ont bien|est bien)"

TASK = rx(
    r"\b(?:tout|ça) roule\b|\bc'est (?:plié|dans la boîte|dans le sac|bouclé|ok|bon)\b|"
    r"^(?:affaire|dossier|demande|ticket) (?:réglée?|classée?|conclue?|bouclée?|close?|traitée?|"
    r"résolue?)\b|\b(?:tout|ça|cela) s'est (?:bien |parfaitement )?passé\b|\btout est passé\b",
    r"^(?:c'est )?(?:fait|terminé|réglé|fini|bouclé|résolu)\b[\s!.]*$",
    r"\bc'est (?:bien |désormais |maintenant |tout )?(?:fait|réglé|terminé|bon|fini|résolu|"
    r"bouclé|traité|en ordre)\b",
    r"\btout (?:est |a été )?(?:bien |désormais |maintenant )?(?:réglé|prêt|en place|terminé|"
    r"fait|bouclé|en ordre|ok|traité|résolu|finalisé)\b",
    r"\bconsidérez (?:que c'est|cela comme|le|la|les|ça comme) (?:réglé|fait|terminé)\b",
    r"\b(?:votre|la|ta) (?:demande|requête|tâche|dossier|réclamation) (?:a (?:bien )?été|est "
    r"(?:bien )?) (?:traitée|prise en compte|réglée|finalisée|effectuée|résolue|clôturée|"
    r"traité|réglé|finalisé|résolu|clôturé)\b",
    r"\bj'ai (?:bien )?(?:terminé|fini|finalisé|bouclé|réglé|traité|fait|complété|tout) "
    r"(?:toutes|tout|l'ensemble|les étapes|votre demande|ce que|chaque|finalisé|réglé|fait)\b",
    r"\b(?:est|a été|sont) (?:désormais |maintenant |bien )?(?:terminée?|résolue?|réglée?|"
    r"finalisée?|complète|complété|complétée)\b",
    r"\b(?:votre|la|ta) (?:demande|problème|requête|dossier|réclamation|incident|souci)\b"
    r"[^,.;]{0,30}\b(?:résolue?|traitée?|réglée?|finalisée?|terminée?|clôturée?)\b",
    r"\btout ce que\b[^,.;]{0,30}\best (?:bien )?(?:fait|réglé|terminé)\b|\b(?:nous avons|"
    r"j'ai) (?:bien )?(?:finalisé|traité|réglé|terminé) (?:votre|la|ta) demande\b",
    r"^(?:voilà|terminé)\b",
)
ACTION = rx(
    rf"\b{_AUX} (?:été )?(?:bien |déjà |désormais |maintenant |aujourd'hui |correctement )*"
    rf"{PART}",
    rf"\b(?:j'ai|nous avons|on a|j'ai bien|je l'ai|je les ai) (?:\w+ ){{0,2}}?{PART}",
    rf"\b(?:vous|lui|leur) (?:a|ont) été {PART}",
    r"\bje viens d(?:e |')\w+|\bnous venons d(?:e |')\w+",
    r"\b(?:j'ai|nous avons) pu \w+",
    rf"^(?!(?:ne|si|quand|dès|veuillez|merci|vous|pour|une fois)\b)(?:[\w$€.#/'-]+ ){{0,10}}"
    rf"{PART}(?=\s*$|[.!,;:]| (?:à|au|aux|pour|en|de|du|avec|et|sur|vers|chez)\b)",
    r"\b(?:faites|fait|font) (?:désormais |maintenant )?partie\b",
    r"\b(?:est|sont) (?:désormais |maintenant )?(?:actif|active|actifs|en route|en place|"
    r"opérationnel|opérationnelle)\b",
    r"\best passée? (?:au|à la)\b",
)
BLOCK = rx(
    r"\b(?:l'agent|le conseiller|la conseillère|le collègue|la collègue|le technicien) "
    r"(?:précédent|précédente|d'avant)\b|\bun(?:e)? (?:autre|collègue)\b",
    r"\b(?:ne|n'|pas|jamais|aucun|aucune|rien|sans|sera|seront|serait|seraient|aurait|auraient|"
    r"va|vais|vont|allons|allez|pourra|pourrait|devrait|doit|peut|pouvez|si|quand|lorsque|"
    r"dès que|une fois|avant|en cours|en attente|je vais|en train|voulez|souhaitez|"
    r"m'avez demandé|demandé de)\b",
    r"\bn'",
    r"(?<=\w)(?:era|erai|eront|erait|eraient|irait)\b",
)
BLOCK_IN = rx(r"\b(?:l'agent|le conseiller|la conseillère|le collègue|la collègue|le technicien) "
              r"(?:précédent|précédente|d'avant)\b",
              r"\b(?:ne|pas|jamais|aucun|aucune|rien|sera|seront|serait|seraient|aurait|"
              r"auraient|va|vais|vont|pourra|pourrait|devrait|doit|peut|si|dès que)\b", r"\bn'",
              r"(?<=\w)(?:era|erai|eront|erait|eraient|irait)\b", r"\bune fois\b|\bdès\b",
              r"(?<=\w)(?:ra|ront|rait|raient)\b")
AFTER = rx(r"\s*par (?:quelqu'un|une autre personne|un autre|une autre|un collègue)\b",
           r"\s*par (?:le|la|un|une|votre) (?:client|cliente|fournisseur|entrepôt|banque|"
           r"transporteur|utilisateur|utilisatrice)\b",
           r"\s*(?:une fois|dès que|si|quand|lorsque|après (?:validation|approbation|accord)|"
           r"prochainement|bientôt|demain|automatiquement|sous peu)\b")
CONDITION = rx(r"\b(?:si|s'il|dès que|une fois que|une fois|à moins que|jusqu'à ce que|"
               r"lorsque|quand)\b")
REPORTED = rx(r"^vous (?:m'avez|nous avez) (?:demandé|dit|indiqué|écrit|signalé|précisé)\b",
              r"^(?:comme )?vous (?:avez dit|avez écrit|avez indiqué|dites|écrivez)\b")

_DO = trie(
    "contacter|contactez|appeler|appelez|ouvrir|ouvrez|envoyer|envoyez|transférer|transférez|"
    "écrire|écrivez|accéder|accédez|cliquer|cliquez|remplir|remplissez|enregistrer|"
    "enregistrez|mettre à jour|mettez à jour|marquer|marquez|créer|créez|réserver|réservez|"
    "négocier|négociez|réinitialiser|réinitialisez|demander|demandez|soumettre|soumettez|"
    "passer|passez|consulter|consultez|aller|allez|utiliser|utilisez|déposer|déposez|"
    "approuver|approuvez|valider|validez|annuler|annulez|accepter|acceptez|ajouter|ajoutez|"
    "adresser|adressez|rendre|rendez|connecter|connectez|le faire|la faire|les faire|"
    "vous adresser|vous connecter|vous rendre|consigner|consigniez|consignez|saisir|saisissez|"
    "relancer|relancez|télécharger|téléchargez|joindre|joignez|régler|réglez|payer|payez|"
    "rembourser|remboursez|débloquer|débloquez|déverrouiller|déverrouillez|signaler|"
    "signalez|faire|faites|effectuer|effectuez")
HANDBACK = rx(
    r"\bc'est (?:à vous |(?:à votre|au|à la|aux|à l') ?(?:[\w-]+ ){1,3}?)(?:de |d')",
    rf"\bvous (?:pouvez|pourrez|devez|devrez|devriez|pourriez|aurez à|avez à|allez devoir|"
    rf"devrez donc|pouvez donc) (?:l'|(?:le|la|les|vous-même|directement|également|aussi|"
    rf"toujours|donc|maintenant|désormais|à tout moment|tout de suite) )*(?:{_DO})\b",
    rf"^(?:merci de|veuillez|pourriez-vous|pouvez-vous) (?!m'|me |nous )(?:{_DO})\b",
    rf"(?:^|, )(?:{_DO})(?!-moi|-nous)\b(?! (?:moi|m'|me|nous)\b)",
    r"(?:^|, )essayez\b|\bil (?:vous )?suffit d",
    r"\b(?:contactez|appelez|adressez-vous|rendez-vous|connectez-vous|écrivez|créez|réservez|"
    r"marquez|négociez|réinitialisez|demandez|remplissez|transférez|consultez|déposez|"
    r"soumettez)\b(?!-moi)",
    r"\bveuillez (?!m'|me |nous |noter|patienter|trouver|agréer)\w+",
    r"\b(?:je vous (?:conseille|recommande|invite|suggère)|nous vous (?:invitons|conseillons|"
    r"recommandons)|il (?:vous )?faudrait|il vous faudra|il faudra que vous|le plus (?:simple|"
    r"rapide|facile) (?:est|serait))\b",
    r"\b(?:vous-même|par vous-même|lui-même|elle-même|directement|de votre côté)\b",
    r"\bc'est (?:le|la|les|votre|l'|au|à) [\w' -]{1,30}? qui (?:s'en occupe|s'en charge|gère|"
    r"traite|doit|peut|émet|valide)\b|\ble mieux (?:est|serait) d",
    r"\b(?:relève|relèvent) (?:du|de la|des|de votre)\b|\bvoyez avec\b|\ben parler (?:avec|à)\b",
    r"\b(?:votre|son|sa) (?:responsable|manager|banque|supérieur|supérieure|administrateur|"
    r"administratrice|acheteur|acheteuse|équipe|service|approbateur) (?:\w+ )?(?:doit|devra|"
    r"devrait|peut|pourra)\b",
    r"\b(?:doit|devra) être \w+ par\b",
)
NOT_HANDBACK = rx(
    r"\b(?:si je|puis-je|pourrais-je|dois-je|que je)\b|\b(?:il n'y a|il ne reste) (?:plus )?rien\b",
    r"\bvous (?:allez )?(?:recevrez|recevoir|recevez)\b",
    r"\bvous pouvez (?:maintenant|désormais|dès à présent) (?:vous connecter|accéder|utiliser|"
    r"vous reconnecter)\b",
    r"\bvous (?:n'avez (?:rien|pas besoin)|n'aurez rien)\b",
    r"\b(?:si vous avez (?:d'autres|des|la moindre|une) questions?|n'hésitez pas|si autre chose|"
    r"vous devriez (?:recevoir|revoir|voir)|notez que|répondez simplement)\b",
    r"\bvous pouvez (?:vérifier|consulter|suivre|voir) (?:quand|le statut|l'état|à tout)\b",
)
REFUSAL = rx(
    r"\b(?:ne|n')\s?(?:peux|peut|pouvons|pourrai|pourrons|pouvais|pourrais) pas\b",
    r"\bn'(?:ai|avons|a) pas (?:pu|réussi|été|les droits|accès|la permission|l'autorisation)\b",
    rf"\bn'(?:ai|avons|a|ont) (?:donc |toujours |encore |même )?(?:pas|jamais|rien) (?:été )?"
    rf"(?:{PART})?",
    r"\b(?:impossible|je dois refuser|nous devons refuser|je refuse|refusé|refusée|échoué|"
    r"a échoué|en échec|hors délai|dépasse|dépassé)\b",
    r"\b(?:malheureusement|désolé|désolée|hélas)\b.*\b(?:pas|aucun|aucune|rien|refuser|"
    r"impossible)\b",
    r"\bsi j'avais\b|\baurai[st]? (?:déjà )?(?:été|pu|\w+é)\b|\bje l'aurais\b|\bj'aurais\b",
    r"\b(?:aucun|aucune|rien)\b[^,;]{0,30}\bn'(?:a|ont|est)\b(?! (?:plus )?(?:en attente|en suspen"
    r"s|"
    r"requis|nécessaire|à faire))",
    r"\bje ne (?:réglerai|paierai|ferai|vais|procéderai|pourrai|traiterai)\b",
)
QUESTION = rx(
    r"^(?:quand (?![^,]*,)|quel|quelle|quels|quelles|où|qui|combien|est-ce que|puis-je|pourrais-je|"
    r"dois-je|(?:ça|cela) vous (?:va|dérange|convient))\b",
    r"\b(?:merci de|veuillez|pourriez-vous|pouvez-vous|pourrais-tu) (?:m'|me |nous )"
    r"(?:envoyer|indiquer|communiquer|transmettre|confirmer|préciser|donner|dire|faire parvenir)",
    r"\b(?:indiquez|dites|envoyez|communiquez|précisez|confirmez|donnez|transmettez)-(?:moi|nous)"
    r"\b",
    r"\bj'ai besoin (?:de connaître|de savoir|que vous me)\b|\bj'ai besoin (?:du|de la|de votre|"
    r"des|de l'|de vos|d'un|d'une) ?(?:\w+ ){0,2}(?:numéro|nom|date|code|adresse|coordonnées|"
    r"identifiant|référence|matricule|e-mail|courriel|téléphone|détails)\b",
)
NOT_QUESTION = rx(r"\bn'hésitez pas\b")
CLAUSE = rx(r"[,;:]\s+", r"\s[-–—]\s", r"\s(?:mais|car|donc|parce que|puisque|cependant)\s")
COMPLEMENT = rx(r"(?:que|qu'|si)\b")

FACTIVE = rx(r"\bvous (?:verrez|pourrez voir|pouvez voir|constaterez|pouvez constater|"
             r"pouvez vérifier|pourrez vérifier)(?: que| qu')?")

OBSERVE = rx(r"\b(?:vérifiez|consultez|regardez|ouvrez|connectez|allez|rafraîchissez|"
             r"actualisez)\b")

SETTLED = rx(
    r"\b(?:il n'y a|il ne reste) (?:plus )?rien (?:d'autre |de plus )?(?:à faire|en attente|à trai"
    r"ter|"
    r"en suspens)\b",
    r"^(?:plus )?rien (?:d'autre |de plus )?n'est (?:plus )?(?:en attente|en suspens)\b|\baucune "
    r"(?:autre )?action n'est (?:requise|nécessaire)\b",
)
STATUS = rx(r"(?:fait|faite|terminé|terminée|réussi|réussie|succès|effectué|effectuée|traité|"
            r"traitée|"
            r"résolu|résolue|réglé|réglée)$")
IDIOM = rx(r"\bj'ai hâte\b|\bje ne résiste pas\b|\bje ne (?:vous )?remercierai jamais assez\b|"
           r"\bje ne (?:peux|pouvais) (?:pas )?m'empêcher\b|\bpas de (?:souci|soucis|problème)\b|"
           r"\bsans (?:problème|souci|encombre|accroc)\b")
PREAMBLE = rx(r"\b(?:prêt|prête|prêts|prêtes|paré|parée|parés)\b(?! pour (?!vous aider|vous "
              r"accompagner|commencer|démarrer|vous assister))")

LEXICON = Lexicon("fr", TASK, ACTION, BLOCK, BLOCK_IN, AFTER, CONDITION, REPORTED, HANDBACK,
                  NOT_HANDBACK, REFUSAL, QUESTION, NOT_QUESTION, CLAUSE, COMPLEMENT, FACTIVE,
                  OBSERVE, idiom=IDIOM, settled=SETTLED, status=STATUS, preamble=PREAMBLE)
