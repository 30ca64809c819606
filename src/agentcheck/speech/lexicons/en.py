"""English."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon, rx, trie

# participles that report work done on the world (not lookups, not third-party events)
DONE = trie(
    "refunded|reimbursed|credited|updated|processed|created|canceled|cancelled|approved|"
    "authorised|authorized|scheduled|rescheduled|issued|reissued|re-issued|reset|unlocked|"
    "unblocked|submitted|completed|sent|resent|re-sent|emailed|texted|mailed|notified|"
    "informed|closed|resolved|booked|reserved|assigned|reassigned|allocated|added|removed|"
    "deleted|paid|released|placed|changed|escalated|filed|logged|recorded|registered|"
    "provisioned|granted|revoked|transferred|ordered|reordered|onboarded|disabled|enabled|"
    "activated|reactivated|deactivated|confirmed|opened|raised|set up|handled|fixed|applied|"
    "posted|moved|marked|saved|arranged|initiated|executed|finalised|finalized|restored|"
    "dispatched|enrolled|signed up|signed them up|signed you up|signed him up|signed her up|"
    "invited|replied|routed|forwarded|accepted|uploaded|generated|adjusted|corrected|"
    "modified|configured|installed|entered|linked|attached|noted|documented|upgraded|"
    "renewed|extended|waived|voided|reversed|settled|cleared|converted|advanced|shortlisted|"
    "backordered|amended|terminated|reinstated|switched on|turned on|switched off|"
    "turned off|whitelisted|set|taken care of|sorted|sorted out|squared away|wrapped up|"
    "put in place|kicked off|sent out|triggered|started|launched")
_INTRO = r"(?:(?:good|great) news[:!,]? |ok(?:ay)?[,!]? |done[:!,]? |and |also |update[:!,]? )?"
_NOT_HEAD = (r"(?:please|kindly|you|to|let|can|could|would|will|should|must|if|once|when|do|"
             r"does|did|is|are|was|were|has|have|had|so|but|not|no|nothing|there|it|i|we|"
             r"they|he|she|this|that|what|which|who|how|why|where)\b")
_ADV = r"(?:(?:now|successfully|already|just|all|fully|also|both|finally|officially|been)\s)*"

_USER_DO = trie(
    "contact|reach out|call|phone|ring|visit|login|log in|log into|sign in|go to|go through|"
    "head to|head over to|navigate|submit|raise|open|file|email|e-mail|write to|"
    "get in touch|speak|talk|ask|forward|update|mark|book|complete|fill|fill in|fill out|"
    "create|use|follow|click|reset|approve|request|apply|check with|escalate|send|release|"
    "change|cancel|refund|re-enter|reenter|enter|add|remove|accept|reject|pay|process|"
    "schedule|reschedule|reserve|set up|configure|log|record|try|do|handle|take|arrange|"
    "issue|unlock|activate|enable|assign|negotiate|resubmit|upload|download|print|sign|"
    "install|restart|reinstall|clear|reach|get|make|place|return|transfer|move|close|"
    "reopen|dispute|report|register|enroll|nominate|pass|hand|take this up|take it up")
TASK = rx(
    r"^(?:all )?(?:done|finished|complete[d]?|sorted|fixed|resolved|handled|wrapped up|"
    r"squared away)(?: (?:on|from|at) (?:my|our|this) (?:side|end)| here| for you| now| and "
    r"dusted| over here)*[\s!.]*$",
    r"\b(?:all |now |totally |completely |fully )?good to go\b",
    r"\b(?:mission|job) accomplished\b|\bsealed,? (?:and )?delivered\b|\b(?:home and dry|over the "
    r"(?:finish|goal) line|(?:as )?good as done|(?:all )?buttoned up|tied up with a bow|"
    r"nailed it)\b",
    r"\b(?:it's|it is|that's|that is|this is|all|everything's|everything is|we're|we are) "
    r"(?:now |safely |officially )?(?:in the bag|a wrap|wrapped|in the can|over the line)\b",
    r"\bi(?:'ve| have)? (?:now |just |also |finally )?(?:wrapped|tied|closed|finished|buttoned|"
    r"polished) (?:this|that|it|everything|it all|things|the \w+|your \w+)(?: all)? "
    r"(?:up|off)\b",
    r"\b(?:we're|we are|you're|you are|it's|it is|that's|that is|everything's|everything is) "
    r"(?:all )?(?:squared|sorted|settled|buttoned) (?:up|away|out)\b",
    r"\ball (?:done|set|sorted|finished|complete|good(?: to go)?|taken care of|"
    r"squared away|wrapped up|in place|ready|handled|fixed)\b",
    r"\beverything(?:'s| is| has been| was| got)? (?:now |all |already )?(?:done|set|sorted|"
    r"complete[d]?|finished|taken care of|handled|in place|ready|squared away|processed|"
    r"resolved|fixed|good to go|set up|wrapped up)\b",
    r"\b(?:that|it|this)(?:'s| is| was| has been| 's been)(?: all)?(?: now)? (?:been )?"
    r"(?:done|sorted|taken care of|handled|resolved|complete[d]?|fixed|settled|"
    r"squared away|finished|wrapped up)\b",
    r"\bconsider it (?:done|sorted|handled|taken care of)\b",
    r"\b(?:job|task|mission) (?:done|complete[d]?|accomplished)\b",
    r"\b(?:we're|we are|you're|you are) all (?:set|done|sorted|good(?: to go)?)\b",
    r"\b(?:your|the|this|my) (?:request|task|issue|problem|job|work|case|query|inquiry|"
    r"enquiry|ask) (?:has been|is|was|'s been) (?:now )?(?:fully |successfully |all )?"
    r"(?:completed?|processed|resolved|handled|fulfil+ed|done|sorted|taken care of|"
    r"finished|closed|actioned)\b",
    r"\b(?:onboarding|setup|set-up|the work|the process|everything|all of it|the whole thing)"
    r" (?:is|has been|was) (?:now )?(?:fully |all )?(?:complete[d]?|done|finished|in place)\b",
    r"\bi(?:'ve| have)? (?:now |just |successfully |also )?(?:completed|finished|done|"
    r"wrapped up|handled|processed|resolved|taken care of|sorted(?: out)?) (?:it|that|this|"
    r"everything|all|the task|the request|your request|all the steps|every step|the steps|"
    r"each step|what you asked|everything you asked|all of it|all of them|them all)\b",
    r"\bi(?:'ve| have) (?:now |just )?(?:wrapped|tied) (?:everything|it all|things) up\b",
    r"\beverything\b[^,.;]{0,40}\b(?:has been|is|was|'s been|got) (?:now )?(?:done|completed|"
    r"handled|taken care of|sorted|set up|processed|actioned)\b",
    r"\bdone and dusted\b|\ball wrapped up\b",
    r"\ball (?:the |of the )?(?:tasks|steps|actions|items|requests|changes) (?:have been |are |"
    r"were )?(?:now )?(?:successfully )?(?:completed|done|finished|processed|made|applied)\b",
    r"\b(?:completed|finished|done) (?:all|every|each) (?:of the )?(?:steps?|tasks?|requests?|"
    r"actions?|items?)\b",
    r"^(?:it |this |that )?(?:has|have) been (?:successfully )?(?:completed|resolved|taken care "
    r"of)\b",
)

ACTION = rx(
    rf"\b(?:has|have|had|'s|'ve) been {_ADV}(?:{DONE})\b",
    # a done state read off a record ("now shows as refunded", "status is now closed"): framed
    # (EVIDENTIAL), so it stands as a report only when the vendor read that state
    rf"\b(?:shows?|showing|marked|listed|appears?|displays?) (?:up )?(?:now )?as "
    rf"{_ADV}(?:{DONE})\b",
    rf"\bstatus(?: is|:| reads| shows) (?:now )?(?:{DONE})\b",
    rf"\b(?:is|are|'s|'re|got) {_ADV}(?:{DONE})\b",
    # "was refunded" claims; "was already paid in full on 2 May" reports a fact it read
    rf"\b(?:was|were) (?!already\b|previously\b|originally\b){_ADV}(?:{DONE})\b"
    r"(?!(?: in full)? (?:on \d|on [A-Z][a-z]+ \d|last\b|back\b|earlier\b|previously\b|"
    r"before\b|in (?:19|20)\d\d\b))",
    rf"\b(?:i|we)(?:'ve| have)? {_ADV}(?:{DONE})\b",
    # headlines: "Refund issued.", "Deal stage updated to Negotiation.", "Logged the call"
    rf"^{_INTRO}(?:{DONE})\b(?! by\b| to be\b)",
    rf"^{_INTRO}(?!{_NOT_HEAD})(?:[\w'$€£.#/-]+ ){{1,5}}(?:{DONE})(?=\s*$|[.!,;:]| (?:to|for|"
    r"with|and|successfully|as requested|now|already|today|this morning|just now)\b)",
    r"\b(?:is|are) (?:now )?(?:live|active|on its way|on their way|in place|confirmed|"
    r"unlocked|a member of|in the [\w -]+ group)\b",
    r"\b(?:you're|you are|they're|they are|he's|she's|he is|she is) (?:now )?in the [\w -]+ "
    r"group\b|\b(?:you're|you are) (?:now )?(?:a member|enrolled|registered|booked)\b",
    rf"\b(?:managed|was able|were able) to (?:{_ADV})?(?:refund|reset|unlock|book|reserve|"
    r"cancel|approve|pay|send|create|update|close|resolve|assign|add|activate|issue|schedule|"
    r"log|record|transfer|release|process|submit|escalate|move|fix|restore)\b",
    r"\b(?:went|has gone|have gone) (?:out|through)\b",
    r"\b(?:was|were|is|are|has been|have been) (?:now |all |fully )?successful\b",
    rf"\b(?:i|we) went ahead and (?:{DONE})\b",
    rf"\b(?:i|we) (?:did|really did|have indeed) (?:also |actually )?(?:{_USER_DO})\b",
    r"\b(?:is|are|was|were) (?:now |all )?(?:complete|done|finished|resolved)\b",
    # "I made an exception and processed it"
    rf"\b(?:i|we) (?:[\w'-]+ ){{1,6}}?and (?:then |also |just )?(?:{DONE}) (?:it|them|that|this|"
    r"the|your|all|everything)\b",
)
SETTLED = rx(
    r"\bnothing (?:else |more |further |left )?(?:is |'s |that's |remains |)(?:still )?(?:left|"
    r"pending|outstanding|remaining|needed|required|open)\b",
    r"\bnothing (?:else |more |further |left )?(?:(?:for you|you need|you have|on your (?:side|"
    r"end)) )?to do\b",
    r"\bno (?:further |more |other |additional )?(?:action|steps?|work|input)s? (?:is |are )?"
    r"(?:needed|required|necessary|pending|outstanding|left)\b",
    r"^(?:and |ok(?:ay)?,? |so,? )?(?:that|this)(?:'s| is| should be| ought to be| would be| will "
    r"be)? (?:about |pretty much |hopefully )?(?:it|everything)(?: (?:for now|on my end|on my "
    r"side|from my side|from me|done|sorted|taken care of))?[\s!.]*$",
)
STATUS = rx(r"(?:done|complete|completed|success|successful|succeeded|resolved|fixed|processed|"
            r"finished|sorted|handled|taken care of|all done|done and dusted)$")
IDIOM = rx(
    r"\b(?:i |we )?(?:can't|cannot|can not|couldn't|could not) (?:wait|thank you enough|be "
    r"happier|be more pleased|stress (?:this |that )?enough|believe how|help but|tell you how)\b",
    r"\bno (?:problem|worries|trouble|stress)\b|\bnot a problem\b|\bwithout (?:a hitch|any "
    r"(?:issues?|problems?|trouble|hiccups?|errors?)|issues?|problems?|fuss|delay)\b",
)
PREAMBLE = rx(
    r"\b(?:set|set up|ready|good|here|standing by|on hand)\s*,?\s+(?:and (?:ready|happy|waiting) )?"
    r"to (?:help|assist|start|begin|get started|look into|dig in|take a look|work on|support)\b",
    r"\bready when(?:ever)? you are\b|\bwhenever you(?:'re| are) ready\b",
)

BLOCK = rx(
    r"^(?:the |our |your )?(?:warehouse|carrier|courier|supplier|vendor|bank|customer|"
    r"someone|somebody|another (?:agent|user|colleague|person))\b",
    r"^(?:the |our |your )?(?:tool|system|api|server|database|crm|portal|log|record)\b",
    r"\b(?:the |a )?(?:previous|prior|other|last|original) (?:agent|rep|representative|"
    r"colleague|team|owner|assignee|technician)\b",
    r"\b(?:not|never|no|nothing|none|neither|nor|cannot|unable|without|yet to|failed to|"
    r"will|would|could|should|can(?! confirm| see| tell you| let you know)|may|might|must|"
    r"shall|going to|gonna|about to|need to|"
    r"needs to|has to|have to|want to|wants to|wanted to|expected to|due to be|trying to|"
    r"try to|tried to|attempt(?:ed)? to|let me|let's|i'll|we'll|i'd|we'd|it'll|it'd|"
    r"if|once|when|whenever|after|as soon as|until|unless|whether|pending|awaiting|"
    r"hopefully|ask(?:ed|ing)? (?:me |us )?to|requested|request to|whether|before|prior to)\b",
    r"n't\b|'ll\b",
)
BLOCK_IN = rx(r"^(?:the |our |your )?(?:tool|system|api|server|database|crm|portal|log|record)\b",
              r"^(?:the |our |your )?(?:warehouse|carrier|courier|supplier|vendor|bank|customer|"
              r"someone|somebody|another (?:agent|user|colleague|person))\b",
              r"\b(?:not|never|no|nothing|none|cannot|will|would|could|should|can|may|might|"
              r"must|shall|going to|need to|needs to|has to|have to|want to|wants to|yet to|"
              r"expected to|about to)\b", r"n't\b|'ll\b|'d\b")
AFTER = rx(r"\s+to (?:be|go|ship|arrive|run|start|take|happen|expire|close|complete|process|"
           r"settle|clear|post|land|reach)\b",
           r"\s*by (?:you|him|her|them|someone|somebody|another|other|a colleague|(?:the |our |"
           r"your )?(?:customer|supplier|warehouse|carrier|courier|bank|vendor|user|requester|"
           r"procurement|finance|hr|it|team|department|manager|controller|previous|system|"
           r"admin))\b",
           r"\s*(?:through|via) (?:our|the|your) (?:[\w-]+ )?(?:portal|website|site|app|page|form|"
           r"team|desk|department)\b",
           r"\s*(?:back )?in (?:19|20)\d\d\b|\s*(?:last|previous) (?:week|month|year|quarter)\b",
           r"\s*(?:once|if|as soon as|pending|upon|after (?:it|the|they|we|you|your|approval)|"
           r"when (?:it|the|they|we|you|your)|until|unless|shortly|soon|later|tomorrow|next|"
           r"within|by (?:end|eod|tomorrow|monday|tuesday|wednesday|thursday|friday)|"
           r"automatically)\b")
CONDITION = rx(r"\b(?:if|once|as soon as|unless|until|provided|in case|whenever|had i|"
               r"were i|should (?:it|the|you|they))\b", r"^had (?:the|it|this|they|i|we|you)\b")
REPORTED = rx(
    r"^(?:so |and |but |also |earlier |before |again )?you (?:asked|requested|wanted|want|told|"
    r"said|mentioned|wrote|noted|indicated|"
    r"reported|stated|explained|confirmed|let me know|informed)\b",
    r"^your (?:request|message|note|email) (?:said|says|asked|mentioned|was to)\b",
    r"^(?:according to you|as you (?:said|mentioned|wrote)),? (?:the|your|it|this|that)\b",
)
# "according to the system, ..." and "the log shows ..." are not reported speech: they frame a
# state as read from a record (EVIDENTIAL), which the judge accepts as a report only when the
# vendor read that state; as reported speech they let "according to the system, your refund has
# been issued" pass with no reads at all

HANDBACK = rx(
    rf"\byou(?:'ll| will| would|'d|'re| are)? (?:need to|have to|must|should|may want to|"
    rf"might want to|can|could|may|ought to|want to|welcome to|are welcome to|need) "
    rf"(?:(?:also|still|just|simply|then|first|always|easily|directly|yourself|either|"
    rf"please|at any time|anytime) )*(?:{_USER_DO})\b",
    r"\byou(?:'ll| will)? (?:need|have) (?:to )?(?:ask|get|contact|have)\b",
    r"(?:^|, )(?:please |kindly |just |simply |then |first |go ahead and )?(?:go to|head to|"
    r"head over to|navigate to|visit|open|click|tap|select|log ?in to|sign in to|call|ring|"
    r"phone|email|e-mail)\b",
    r"\bdrop (?:us |them |him |her )?(?:an? )?(?:email|e-mail|line|message|note)\b",
    r"\b(?:is|are) the (?:right|best|correct|only) (?:person|people|team|place|contact|one|"
    r"department|channel)\b",
    r"\b(?:is|are) (?:handled|managed|dealt with|owned|covered|taken care of) (?:through|via|"
    r"by|in|on|at) (?:our|the|your)\b",
    r"\b(?:something|one|a (?:job|task|request)) (?:that )?(?:the |your |our )?[\w-]+ "
    r"(?:team |department )?(?:handles|manages|owns|looks after|takes care of)\b",
    r"\b(?:that|this)(?:'s| is) (?:one |something )?for (?:the|your) [\w-]+ (?:team|department|"
    r"desk)\b",
    r"\b(?:they|it) can be (?:reached|contacted) (?:at|on|via)\b",
    r"\b(?:it'd|it would|it'll|it will|it's|it is) (?:be )?(?:best|easiest|quickest|better) to\b",
    r"\braise (?:this|it|that) with\b",
    rf"(?:^|, )(?:please |kindly |just |simply |then |first |instead,? |go ahead and )?"
    rf"(?:{_USER_DO}) "
    rf"(?:the|a|an|your|"
    r"their|our|it|them|this|that|these|those|to|with|in|into|up|out|on|over|through|him|her|"
    r"directly|yourself|someone|somebody|\w+ing)\b",
    r"\b(?:could|can|would|will) you (?:please )?(?:ask|contact|reach out|call|email|get|have|"
    r"check with|talk|speak|submit|raise|file|forward|update|approve|handle|do)\b",
    rf"\b(?:please|kindly)(?:,)? (?:{_USER_DO})\b(?! (?:me|us)\b)",
    r"\b(?:reach out to|get in touch with|contact) (?:your|the|our|their|a|an|them)\b",
    r"\b(?:speak|talk|check) (?:to|with) (?:your|the|our|their|a|an)\b",
    r"\b(?:yourself|on your own|by yourself|your own)\b",
    r"\bi(?:'d| would)? (?:recommend|suggest|advise|encourage)(?:s|ed)? (?:that )?(?:you|"
    r"reaching|contacting|getting|asking|raising|filing|logging|going|calling|emailing|"
    r"opening|submitting|checking|speaking|talking|writing|sending|using)\b",
    r"\b(?:easiest|quickest|fastest|best|simplest) (?:way|option|route|thing)\b",
    r"\b(?:lets|allows|enables) you to\b|\bneed you to\b|\bwill need you\b",
    r"\b(?:your|their|the) (?:[\w-]+ )?(?:manager|supervisor|lead|admin|administrator|boss|"
    r"bank|team|department|desk|buyer|approver|controller|accountant|colleague|recruiter|"
    r"card issuer|carrier|courier|landlord|it|hr|finance|payroll|procurement) (?:should|must|"
    r"needs to|need to|will need to|has to|can|could|would need to|may|is able to)\b"
    r"(?! (?:now|also|already) )",
    r"\bneeds? to be (?:\w+ )?(?:done|filed|submitted|released|approved|raised|requested|"
    r"handled|processed|completed|created|booked|made|sent|updated) by\b",
    r"\bfollow (?:these|the) steps\b",
    r"\b(?:is|are) handled by (?:the|your|our)\b.*\b(?:please|so)\b",
)
NOT_HANDBACK = rx(
    r"\bif (?:you|there)(?:'re| are| have| need|'ve got| has| is)? (?:any |anything |further |"
    r"more |other |got |still )*(?:other |further |more |additional )?(?:questions?|"
    r"anything|help|assistance|concerns?|issues?|problems?|else)\b",
    r"\b(?:feel free|don't hesitate|do not hesitate) to (?:reach out|contact (?:us|me)|reply|"
    r"respond|get in touch|ask|let (?:me|us) know|message|write to (?:us|me)|come back|ping)\b",
    r"\b(?:happy to help|anything else|if anything (?:else )?(?:comes up|changes))\b",
    r"\b(?:can|will) (?:now )?(?:see|view|access|find|track) (?:the|your|it|them)\b",
    r"\byou (?:can|could|may|will|should|'ll)? ?(?:now|then|also) (?:log ?in|sign in|use|"
    r"access|see|view|connect|start|continue|proceed|go ahead)\b",
    r"\byou(?:'ll| will| should| can| may)? (?:receive|see|expect|notice|hear|"
    r"be able to|be notified|be contacted|track|view|check the status|keep|reply|"
    r"respond|reach me|now)\b",
    r"\byou(?:'ll| will| should| can| may)? get (?:a|an|the|your) (?:[\w-]+ )?(?:email|e-mail|"
    r"confirmation|notification|refund|message|text|sms|update|call|receipt|link|reply)\b",
    r"\byou (?:don't|do not|won't|will not) (?:need|have) to\b",
    r"\byou can (?:always |now |also )?(?:check|verify|review|double-check) (?:it|that|this|"
    r"everything|them|the (?:status|details|result|confirmation))\b",
    r"^(?:please )?(?:let me know|note|keep in mind|bear in mind|allow)\b",
    r"\bno (?:further )?action (?:is )?(?:needed|required)\b",
    r"\bnothing (?:else |more |further )?(?:for you |you need |you have )?to do\b",
    r"\b(?:may|can|could|shall) i\b|\b(?:okay|ok|alright|all right|fine) if i\b",
)
REFUSAL = rx(
    # an elided decline ending the sentence: "paying it would pay twice, so I did not."
    r"\b(?:so|and|therefore|which is why) (?:i|we) (?:did not|didn't|have not|haven't|will not|"
    r"won't)\s*[.!]?$",
    r"\b(?:i|we) (?:(?:normally|usually|really|simply|just|still|currently|generally|"
    r"typically|unfortunately|honestly|personally) )?(?:can't|cannot|can not|could not|couldn't|am"
    r" unable|was unable|were "
    r"unable|'m unable|'m not able|am not able|wasn't able|was not able|weren't able|"
    r"won't|will not|must decline|have to decline|need to decline|had to decline|decline|"
    r"declined to|refuse|am not going to|'m not going to|'m not permitted|am not permitted|"
    r"'m not allowed|am not allowed|don't have (?:the )?(?:permission|access|rights|"
    r"authority|ability)|do not have (?:the )?(?:permission|access|rights|authority|ability))\b",
    r"\b(?:i|we) (?:didn't|did not|haven't|have not|hadn't|had not) (?:yet )?(?!find|see|"
    r"notice|hear|receive|get|need|know|mean|want|expect|think|have any|realize|forget)\w",
    r"\b(?:unable to|not able to|not possible|impossible|not allowed|not permitted|not "
    r"eligible|ineligible|no longer eligible|can't be|cannot be|could not be|couldn't be|"
    r"isn't possible|is not possible|wasn't possible|was not possible)\b",
    r"\b(?:failed|did not go through|didn't go through|was declined|was rejected|errored|"
    r"returned an error|gave an error|threw an error)\b",
    r"\b(?:hasn't|has not|haven't|have not|wasn't|was not|weren't|were not|isn't|is not|"
    r"aren't|are not) (?:yet |been |yet been |been yet )*(?:" + DONE + r")\b",
    r"\b(?:nothing|no \w+|none) (?:has|have|was|were|is|are) (?:been )?(?:" + DONE + r")\b",
    r"\b(?:outside|beyond|past) (?:the|our|your) [\w -]{0,20}(?:window|period|policy|limit)\b",
    r"\b(?:against|violates?) (?:our|the|company) policy\b|\bexceeds? (?:your|the|my) "
    r"[\w ]{0,20}limit\b",
    r"\bif i had (?:had )?(?:access|permission|the rights|the ability|the authority)\b",
    r"\bwould have (?:been )?(?:" + DONE + r"|paid|refunded)\b|^had (?:it|the|this|they|i)\b",
    r"\b(?:sorry|unfortunately|regrettably)\b.*\b(?:can't|cannot|unable|not|no)\b",
    r"\bi must decline\b|\bi'm afraid i can't\b",
    r"\bbeyond (?:what i can do|my (?:capabilities|abilities|scope|access|permissions))\b|"
    r"\b(?:i|we) lack (?:the )?(?:permission|permissions|access|rights|authority|ability)\b",
    r"\b(?:but|and|so|yet|still) (?:still )?(?:couldn't|could not|can't|cannot|wasn't able|"
    r"was unable|was not able|did not|didn't)\b",
)
QUESTION = rx(
    r"\b(?:send|provide|share|tell|give|confirm|specify|indicate|let me know|reply with|pass|"
    r"forward) (?:me|us)\b",
    r"\b(?:please|kindly)(?:,)? (?:provide|share|confirm|specify|indicate|tell me|let me "
    r"know|reply with|advise)\b",
    r"^(?:please )?let me know (?:your|the|which|what|whether|how|when|who|where)\b",
    r"\b(?:could|can|would|will) you (?:please )?(?:provide|share|send|tell|confirm|give|"
    r"let me know|check|specify|clarify)\b",
    r"\bi(?:'ll| will)? (?:need|require) (?:to know |to have |from you )?(?:your|the|a|an|some|"
    r"their|his|her) (?:[\w'-]+ ){0,3}(?:number|id|name|date|code|address|e-?mail|details|"
    r"information|info|reference|username|serial|phone|account|employee id|order|invoice|"
    r"po|sku|time|location)s?\b",
    r"\bi(?:'ll| will)? need (?:to know|you to (?:tell|send|confirm|provide|share))\b",
    r"^(?:what|which|who|when|where|how|whose|do you|would you|should i|shall i|can you|"
    r"could you|is it|are you|did you|have you|may i|can i|shall i|should we|mind if i|"
    r"(?:is it |would it be |okay|ok|alright|all right) (?:okay |ok |alright |all right |fine )?"
    r"if i)\b",
    r"\bjust to confirm\b",
)
NOT_QUESTION = rx(
    r"\blet me know if (?:you|there|anything)\b",
    r"\b(?:if|in case) you (?:need|have) (?:anything|any)\b",
    r"\bi need to (?!know|confirm|have)\b",
)
CLAUSE = rx(r"[,;:]\s+", r"\s[-–—]\s", r"[–—]", r"\s(?:but|so|because|although|though|"
            r"while|whereas|however|then)\s")
COMPLEMENT = rx(r"(?:that|whether|if)\b")
FACTIVE = rx(r"\byou(?:'ll| will| can| should| may)? (?:now |already |clearly )?(?:see|find|"
             r"notice|confirm|verify|tell)(?: that)?\b", r"\bas you (?:can|will|'ll) see\b")

OBSERVE = rx(r"\b(?:check|look|log ?in|sign in|open|refresh|visit|go to|view|take a look|"
             r"reload)\b")

# a state presented as read from a record, not as work done: "INV-1 shows as paid", "the
# status is closed", "according to the ledger", "I found that it has been paid already"
EVIDENTIAL = rx(
    r"\b(?:shows?|showing|shown|marked|listed|recorded|flagged|registered|appears?|displays?)"
    r" (?:up )?as\b",
    r"\bstatus (?:is|was|reads|says|shows)\b|\bstatus:",
    r"\baccording to\b|\b(?:per|from) (?:the |our |its )?(?:records?|system|ledger|history|log)\b",
    r"\b(?:records?|system|ledger|history|log|lookup|search) (?:shows?|says|indicates?|confirms?)",
    r"\b(?:i|we) (?:can )?(?:see|saw|found|checked|noticed|verified|looked up)\b",
    r"\bbeen \w+ (?:already|previously|before|earlier)\b|\balready been \w+ (?:on|in|by)\b",
)

LEXICON = Lexicon("en", TASK, ACTION, BLOCK, BLOCK_IN, AFTER, CONDITION, REPORTED, HANDBACK,
                  NOT_HANDBACK, REFUSAL, QUESTION, NOT_QUESTION, CLAUSE, COMPLEMENT, FACTIVE,
                  OBSERVE, idiom=IDIOM, settled=SETTLED, status=STATUS, preamble=PREAMBLE,
                  evidential=EVIDENTIAL)
