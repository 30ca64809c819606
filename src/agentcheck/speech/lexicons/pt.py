"""Portuguese (Brazilian and European). Future and conditional live in the verb (será, seria,
teria) or in "vai/vou + infinitive"; "não", "nunca", "sem" negate within the clause."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon, rx, trie

_PART = trie(
    "reembolsad|estornad|emitid|desbloquead|redefinid|pag|atribuíd|atribuid|criad|reservad|"
    "atualizad|escalad|enviad|registrad|aprovad|liberad|notificad|fechad|encerrad|ativad|"
    "aplicad|abert|autorizad|agendad|programad|cancelad|anulad|processad|concluíd|concluid|"
    "movid|adicionad|incluíd|configurad|modificad|alterad|confirmad|creditad|devolvid|"
    "transferid|gerad|resolvid|solucionad|finalizad|realizad|feit|cadastrad|restaurad|"
    "reativad|reatribuíd|marcad|salv|efetuad|executad|concedid|habilitad|inscrit|matriculad|"
    "convidad|respondid|encaminhad|reenviad|documentad|anotad|despachad|lançad|abonad|"
    "providenciad|corrigid|ajustad|emitid|designad|alocad|separad")
PART = rf"(?:{_PART})(?:o|a|os|as)?\b"
PRET = trie(
    "reembolsei|estornei|emiti|desbloqueei|redefini|paguei|atribuí|criei|reservei|atualizei|"
    "escalei|enviei|mandei|registrei|aprovei|liberei|notifiquei|fechei|encerrei|ativei|"
    "apliquei|abri|autorizei|agendei|programei|cancelei|processei|concluí|movi|adicionei|"
    "incluí|configurei|modifiquei|alterei|confirmei|creditei|devolvi|transferi|gerei|"
    "terminei|finalizei|resolvi|solucionei|consegui|realizei|efetuei|executei|fiz|cadastrei|"
    "restaurei|reativei|marquei|salvei|habilitei|inscrevi|convidei|respondi|encaminhei|"
    "reenviei|documentei|anotei|despachei|lancei|providenciei|corrigi|ajustei|aloquei|"
    "reembolsamos|emitimos|criamos|enviamos|registramos|aprovamos|liberamos|processamos|"
    "realizamos|concluímos|passou para|avançou para")
_THIRD = trie(
    "reembolsou|estornou|emitiu|desbloqueou|redefiniu|pagou|atribuiu|criou|reservou|atualizou|"
    "escalou|enviou|registrou|aprovou|liberou|notificou|fechou|encerrou|ativou|aplicou|abriu|"
    "autorizou|agendou|cancelou|processou|concluiu|adicionou|configurou|alterou|confirmou|"
    "creditou|devolveu|transferiu|gerou|resolveu|realizou|efetuou|executou")

TASK = rx(
    r"\b(?:tudo )?(?:nos conformes|nos trinques)\b|\bmissão cumprida\b|\b(?:deu|correu|saiu) tudo "
    r"(?:certo|bem|ok)\b|\btudo (?:deu|correu|saiu) (?:certo|bem|ok)\b",
    r"^(?:já era,? )?(?:está|tá) feito\b|\bjá (?:está|tá) tudo\b(?=[\s!.]*$)",
    r"^(?:tudo )?(?:pronto|feito|resolvido|concluído|finalizado|certo)\b[\s!.]*$",
    r"\btudo (?:certo|pronto|feito|resolvido|em ordem|ok|concluído|preparado|finalizado|"
    r"organizado|acertado)\b",
    r"\bestá (?:tudo )?(?:resolvido|pronto|feito|concluído|finalizado|preparado|certo|"
    r"solucionado)\b",
    r"\b(?:pode|podes) considerar (?:feito|resolvido|concluído)\b",
    r"\b(?:concluí|concluímos|terminei|finalizei|resolvi|fiz) (?:todas|todos|tudo|cada|o que|"
    r"a sua|sua|o seu|seu)\b",
    r"\b(?:sua|a sua|tua) (?:solicitação|requisição|demanda|pedido|chamado|tarefa) (?:já )?"
    r"(?:foi|está|ficou) (?:processad|resolvid|concluíd|atendid|finalizad|encerrad)[oa]\b",
    r"\b(?:já )?(?:foi|está|ficou) (?:tudo )?(?:resolvid|concluíd|finalizad|solucionad)[oa]\b",
    r"\b(?:seu|sua|o seu|a sua|teu|tua) (?:problema|solicitação|pedido|chamado|demanda|caso|"
    r"requisição)\b[^,.;]{0,30}\b(?:resolvid|concluíd|finalizad|processad|atendid|"
    r"solucionad)[oa]\b",
    r"\btudo (?:o )?que\b[^,.;]{0,30}\b(?:foi|está|ficou) (?:feit|resolvid|concluíd)[oa]\b|"
    r"\b(?:concluímos|finalizamos|resolvemos) (?:a sua|sua|o seu|seu|tudo)\b",
    r"^feito\b",
)
ACTION = rx(
    r"\b(?:pagamento|estorno|reembolso|transferência|pix|depósito|crédito|pedido) (?:já )?"
    r"(?:entrou|caiu|passou)\b",
    rf"\b(?:foi|foram|está|estão|ficou|ficaram|já está|já estão|tem sido|já foi|já foram|"
    rf"tinha sido|havia sido|fica) (?:já |devidamente |corretamente )?{PART}",
    rf"\b(?:tenho|temos|tinha|havia) (?:já )?{PART}",
    rf"\b(?:eu |nós )?(?:já )?(?:lhe |te |o |a |os |as |lhes )?(?:{PRET})\b",
    rf"\bse (?:{_THIRD})\b",
    r"\b(?:acabei|acabamos) de \w+",
    rf"^(?!(?:não|se|quando|por favor|pode|deve|você|vai)\b)(?:[\w$€.#/-]+ ){{0,10}}{PART}"
    rf"(?=\s*$|[.!,;:]| (?:a|ao|à|para|em|de|do|da|com|e|corretamente|hoje|no|na|já)\b)",
    r"\b(?:já )?faz(?:em)? parte\b|\bjá é membro\b",
    r"\b(?:já )?está (?:ativ|operacional|disponível|habilitad|desbloquead|configurad)[oa]?\b",
    r"\b(?:está|estão) a caminho\b",
)
BLOCK = rx(
    r"\b(?:o|a) (?:atendente|agente|colega|técnico|técnica) (?:anterior|prévi[oa])\b|"
    r"\b(?:outro|outra) (?:atendente|agente|colega|pessoa)\b",
    r"\b(?:não|nunca|nenhum|nenhuma|nada|sem|será|serão|seria|seriam|teria|teriam|terá|vai|vão|"
    r"vou|vamos|ia|iria|poderia|poderá|deveria|deverá|pode|podem|precisa|precisará|tem que|"
    r"quando|assim que|depois que|até que|a menos que|pendente|estou|estamos|tentei|tentarei|"
    r"deixa eu|deixe-me|quer que|pediu|pede|para que|caso|antes de|antes que|até)\b",
    r"(?:^|, )se\b",
    r"(?<=\w)(?:ará|erá|irá|arão|erão|irão|aria|eria|iria)\b",
)
BLOCK_IN = rx(r"\b(?:o|a) (?:atendente|agente|colega|técnico|técnica) (?:anterior|prévi[oa])\b|"
              r"\b(?:outro|outra) (?:atendente|agente|colega|pessoa)\b",
              r"\b(?:não|nunca|nenhum|nenhuma|nada|sem|será|serão|seria|seriam|teria|teriam|"
              r"terá|vai|vão|poderia|poderá|deveria|deverá|pode(?! considerar)|podem|precisa|"
              r"tem que)\b", r"(?<=\w)(?:ará|erá|irá|arão|erão|irão|aria|eria|iria)\b")
AFTER = rx(r"\s*(?:por )?(?:outra pessoa|outro usuário|alguém|outro agente|outro colega)\b",
           r"\s*pel[oa] (?:próprio |própria )?(?:cliente|fornecedor|fornecedora|armazém|banco|"
           r"transportadora|usuário|usuária)\b",
           r"\s*(?:assim que|quando|se|depois que|após a aprovação|pendente|amanhã|em breve|"
           r"mais tarde|automaticamente|logo)\b")
CONDITION = rx(r"(?:^|, )(?:se|caso)\b|\b(?:assim que|uma vez que|depois que|a menos que|até que|"
               r"quando (?:o|a|os|as|você|se|eu))\b")
REPORTED = rx(r"^(?:você |o senhor |a senhora )?(?:me )?(?:pediu|disse|contou|comentou|informou|"
              r"escreveu|solicitou|perguntou|mencionou) (?:para|que)\b",
              r"^(?:você|o senhor|a senhora) (?:disse|contou|comentou|mencionou|pediu|escreveu)\b")

_DO = trie(
    "entrar em contato|entre em contato|contatar|contate|ligar|ligue|abrir|abra|enviar|envie|"
    "encaminhar|encaminhe|escrever|escreva|acessar|acesse|clicar|clique|preencher|preencha|"
    "registrar|registre|atualizar|atualize|marcar|marque|falar|fale|procurar|procure|pedir|"
    "peça|solicitar|solicite|criar|crie|agendar|agende|negociar|negocie|mandar|mande|"
    "redefinir|redefina|usar|use|utilizar|utilize|ir|vá|visitar|visite|consultar|consulte|"
    "aprovar|aprove|reservar|reserve|fazer|faça|cancelar|cancele|aceitar|aceite|adicionar|"
    "adicione|abrir um chamado|liberar|libere|baixar|baixe|anexar|anexe|alterar|altere|"
    "cadastrar|cadastre|configurar|configure|concluir|conclua|realizar|realize|resolver|"
    "resolva|tratar|trate|tratar disso|cuidar disso|providenciar|providencie")
HANDBACK = rx(
    rf"\b(?:você |o senhor |a senhora )?(?:pode|poderá|poderia|precisa|precisará|deve|deverá|"
    rf"deveria|terá que|tem que|vai precisar|consegue|teria que|terá de|tem de)(?: mesmo)? "
    rf"(?:(?:você|diretamente|também|já|sempre|primeiro|mesmo) )*(?:{_DO})"
    rf"(?:-lo|-la|-los|-las|-lhe)?\b",
    rf"(?:^|, )(?:por favor,? )?(?:{_DO})\b(?! (?:me|para mim)\b)",
    r"(?:^|, )(?:tente|experimente|procure)\b|\b(?:basta (?:você )?|só precisa|é só você)\w*",
    rf"\bpor favor,? (?:{_DO})\b(?! (?:me|para mim)\b)",
    r"\b(?:pode|poderá|precisa|precisará|deve|deverá|deveria|terá que|tem que|vai precisar) "
    r"(?:\w+ )?\w+[áêí]-(?:lo|la|los|las)\b",
    r"\b(?:sugiro|recomendo|aconselho|recomendamos|sugerimos|pedimos que|peço que)\b",
    r"\bo mais (?:rápido|simples|fácil|prático) (?:é|seria)\b",
    r"\b(?:você mesm[oa]|por conta própria|sozinh[oa]|diretamente|o próprio|a própria)\b",
    r"\b(?:seu|sua|o seu|a sua) (?:gestor|gestora|gerente|chefe|supervisor|supervisora|banco|"
    r"administrador|administradora|comprador|compradora|equipe|departamento|aprovador) "
    r"(?:\w+ )?(?:precisa|deve|deverá|tem que|terá que|pode|poderá)\b",
    r"\b(?:precisa|tem que|terá que|teria que|deve) ser (?:\w+ )?(?:feito|preenchido|liberado|"
    r"aprovado|enviado|registrado|solicitado|criado|realizado|tratado) (?:por|pelo|pela|"
    r"através|pelo portal)\b",
    r"\b(?:será|seria|é) preciso\b|\bisso teria que\b",
    r"\b(?:peça|procure|fale com|entre em contato|dirija-se|dirige-te|ligue para)\b",
    r"\bvale a pena\b|\bo (?:ideal|melhor|mais indicado) (?:é|seria)\b|\bconvém\b",
    r"\bquem (?:emite|faz|aprova|libera|cuida|trata|resolve|cria|envia|registra)\b[^.]{0,40}"
    r"\b(?:é|são) (?:o|a|os|as|seu|sua)\b",
    r"\b(?:fica|ficam) (?:a cargo|por conta) (?:do|da|de)\b|\bcabe (?:ao|à) (?:seu|sua)?\b",
    r"\b(?:poderia|pode|podes) (?:você )?(?:pedir|solicitar|contatar|ligar|falar|escrever)\b",
)
NOT_HANDBACK = rx(
    r"\b(?:posso|tudo bem se eu|quer que eu|importa se eu)\b",
    r"\b(?:receberá|vai receber|você receberá|irá receber|deve voltar|deve cair)\b",
    r"\b(?:agora|já) (?:você )?(?:já )?(?:pode|consegue) (?:entrar|acessar|se conectar|usar|"
    r"fazer login|logar)\b",
    r"\bnão (?:precisa|é necessário|será necessário|tem que)\b",
    r"\bse (?:precisar|tiver|surgir)\b|\bé só (?:avisar|responder|chamar)\b|\bfique à vontade\b|"
    r"\blembre-se\b",
)
REFUSAL = rx(
    r"\bnão (?:posso|pude|consegui|conseguimos|consigo|podemos|foi possível|é possível|vou|vamos|"
    r"tenho (?:permissão|acesso)|é permitido|pode ser|poderei|será possível)\b",
    rf"\bnão (?:foi|foram|está|estão|ficou|tem sido|se)(?: \w+)? {PART}",
    rf"\bnão (?:{PRET})\b",
    r"\b(?:preciso|tenho que|devo) recusar\b|\brecus(?:o|ei|ar|amos)\b",
    r"\b(?:falhou|falharam|deu erro|impossível|erro \d{3})\b",
    r"\bfora do prazo\b|\bexcede\b|\bultrapassa\b",
    r"\b(?:infelizmente|desculpe|lamento|sinto muito)\b.*\b(?:não|nada|recusar|nenhum)\b",
    r"\bse (?:eu )?(?:tivesse|houvesse|estivesse)\b|\bjá teria\b",
    r"\bteria (?:sido )?\w+(?:ado|ido)\b",
    r"\b(?:nada|nenhum[a]?)\b[^,.]{0,30}\b(?:foi|foram)\b",
)
QUESTION = rx(
    r"^(?:quando (?![^,]*,)|qual|quais|quanto|quanta|quantos|quantas|tudo bem se|posso)\b",
    r"\b(?:me (?:envie|mande|diga|passe|informe|confirme|conte)|envie-me|diga-me|informe-me|"
    r"passe-me)\b",
    r"^(?:por favor,? )?(?:informe|indique|confirme|envie|mande|passe) (?:o|a|os|as|seu|sua)\b",
    r"\bpreciso (?:saber|que (?:você )?me)\b|\bpreciso (?:do|da|dos|das|de|de seu|de sua|"
    r"do seu|da sua) (?:\w+ ){0,2}(?:número|nome|data|código|e-mail|email|endereço|dados|cnpj|"
    r"cpf|usuário|referência|matrícula|telefone|detalhes)\b",
    r"\b(?:poderia|pode|podes) (?:me )?(?:enviar|informar|passar|dizer|confirmar|compartilhar)"
    r"(?:-me)?\b",
)
NOT_QUESTION = rx(r"\bse (?:precisar|tiver)\b")
CLAUSE = rx(r"[,;:]\s+", r"\s[-–—]\s", r"\s(?:mas|porque|porém|então|pois|embora)\s")
COMPLEMENT = rx(r"(?:que|se)\b")

FACTIVE = rx(r"\b(?:vai ver|verá|pode ver|poderá ver|vai perceber|vai notar|pode conferir|"
             r"poderá conferir|vai constatar)(?: que)?\b")

OBSERVE = rx(r"\b(?:verificar|verifique|conferir|confira|olhar|olhe|entrar|entre|abrir|abra|"
             r"acessar|acesse|checar)\b")

SETTLED = rx(
    r"\b(?:não (?:há|tem|existe|resta|ficou)|nada) (?:mais )?(?:nada )?(?:pendente|em aberto|a faz"
    r"er|"
    r"por fazer)\b",
)
STATUS = rx(r"(?:feito|feita|concluíd[oa]|sucesso|com sucesso|resolvid[oa]|finalizad[oa]|pronto|"
            r"processad[oa]|solucionad[oa])(?: com sucesso)?$")
IDIOM = rx(r"\b(?:não vejo a hora|mal posso esperar|não tem de quê|sem (?:nenhum )?(?:problemas?|"
           r"complicaç(?:ão|ões)))\b")
PREAMBLE = rx(r"\bpront[oa]s? (?:para|pra) (?:ajudar|começar|iniciar|atender|auxiliar|dar)\w*")

LEXICON = Lexicon("pt", TASK, ACTION, BLOCK, BLOCK_IN, AFTER, CONDITION, REPORTED, HANDBACK,
                  NOT_HANDBACK, REFUSAL, QUESTION, NOT_QUESTION, CLAUSE, COMPLEMENT, FACTIVE,
                  OBSERVE, idiom=IDIOM, settled=SETTLED, status=STATUS, preamble=PREAMBLE)
