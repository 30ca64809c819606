"""Spanish. Future and conditional live in the verb (será, habría, se reembolsará), so those
forms block a claim; "no" and "sin" negate within the clause."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon, rx, trie

# participle stems (+ o/a/os/as)
_PART = trie(
    "reembolsad|emitid|desbloquead|restablecid|pagad|asignad|cread|reservad|actualizad|escalad|"
    "enviad|registrad|aprobad|liberad|notificad|cerrad|activad|aplicad|abiert|autorizad|"
    "programad|agendad|cancelad|anulad|procesad|tramitad|completad|movid|añadid|agregad|"
    "incluid|configurad|modificad|cambiad|confirmad|abonad|acreditad|devuelt|transferid|"
    "gestionad|generad|resuelt|solucionad|arreglad|terminad|finalizad|realizad|hech|"
    "dad[oa] de alta|restaurad|reactivad|reasignad|marcad|guardad|efectuad|ejecutad|"
    "concedid|otorgad|habilitad|inscrit|matriculad|citad|convocad|invitad|respondid|"
    "remitid|reenviad|documentad|anotad|despachad|solicitad")
PART = rf"(?:{_PART})(?:o|a|os|as)?\b"
# first-person (and "we") preterites of the same actions
PRET = trie(
    "reembolsé|emití|desbloqueé|restablecí|pagué|asigné|creé|reservé|actualicé|escalé|envié|"
    "registré|aprobé|liberé|notifiqué|cerré|activé|apliqué|abrí|autoricé|programé|agendé|"
    "cancelé|anulé|procesé|tramité|completé|moví|añadí|agregué|configuré|di de alta|"
    "modifiqué|cambié|confirmé|aboné|acredité|devolví|transferí|gestioné|generé|terminé|"
    "finalicé|resolví|solucioné|arreglé|mandé|conseguí|logré|realicé|efectué|ejecuté|"
    "restauré|reactivé|reasigné|marqué|guardé|habilité|inscribí|invité|respondí|remití|"
    "reenvié|documenté|anoté|despaché|hice|dejé|reembolsamos|emitimos|creamos|enviamos|"
    "registramos|aprobamos|liberamos|procesamos|realizamos|pasó a|avanzó a")
_THIRD = trie(
    "reembolsó|emitió|desbloqueó|restableció|pagó|asignó|creó|reservó|actualizó|escaló|envió|"
    "registró|aprobó|liberó|notificó|cerró|activó|aplicó|abrió|autorizó|programó|canceló|"
    "anuló|procesó|tramitó|completó|añadió|agregó|configuró|modificó|cambió|confirmó|abonó|"
    "acreditó|devolvió|transfirió|generó|resolvió|solucionó|realizó|efectuó|ejecutó")

TASK = rx(
    r"^(?:¡\s?)?(?:pues |bueno,? )?ya (?:está|quedó|queda)(?: todo)?(?: (?:por aquí|por mi parte|d"
    r"e "
    r"mi parte|de mi lado))?[\s!.]*$",
    r"\bya (?:está|quedó|queda|ha quedado) todo\b|^(?:¡\s?)?(?:asunto|tema|caso|gestión) (?:cerrad"
    r"o|"
    r"resuelto|solucionado|arreglado|listo|terminado)\b",
    r"\b(?:todo )?(?:salió|ha salido|fue|ha ido) (?:bien|perfecto|perfectamente|sin problemas|de "
    r"maravilla|a la perfección|como la seda)\b",
    r"\b(?:misión cumplida|pan comido|asunto zanjado|todo en orden)\b",
    r"^(?:¡\s?)?(?:todo )?(?:listo|hecho|terminado|resuelto|completado|solucionado)\b"
    r"[\s!.¡]*$",
    r"\btodo (?:está |quedó |queda |ha quedado )?(?:listo|hecho|resuelto|arreglado|en orden|"
    r"solucionado|completo|completado|preparado|terminado|gestionado)\b",
    r"\bya (?:está|quedó|queda|ha quedado) (?:todo )?(?:hecho|listo|resuelto|solucionado|"
    r"arreglado|completado|terminado)\b",
    r"\b(?:dalo|déjelo|considérelo|considéralo|delo|dé|da) por (?:hecho|resuelto)\b",
    r"\b(?:he|hemos) (?:completado|terminado|finalizado|acabado|resuelto|hecho) (?:todo|"
    r"todos los pasos|cada paso|la tarea|su solicitud|lo que|con todo)\b",
    r"\b(?:su|la|tu) (?:solicitud|petición|consulta|incidencia|caso|gestión|tarea) (?:ya )?"
    r"(?:ha sido|fue|está|quedó|se ha|ha quedado) (?:procesad|resuelt|completad|atendid|"
    r"gestionad|tramitad|finalizad|cerrad)[oa]\b",
    r"\b(?:ya )?(?:terminé|acabé|finalicé) (?:todo|con todo|lo que)\b",
    r"\b(?:el problema|la incidencia|la tarea|la incorporación|el alta|el proceso) (?:ya )?"
    r"(?:está|quedó|ha quedado|fue|ha sido) (?:resuelt|complet|completad|terminad|"
    r"solucionad|finalizad)[oa]\b",
    r"\b(?:su|la|tu) (?:incidencia|solicitud|petición|consulta|caso|problema|gestión|tarea)"
    r"\b[^,.;]{0,30}\b(?:resuelt|completad|terminad|procesad|atendid|gestionad|tramitad|"
    r"finalizad|solucionad)[oa]\b",
    r"\btodo lo que\b[^,.;]{0,30}\b(?:está|quedó|ha quedado|fue|ha sido) (?:ya )?(?:hech|"
    r"resuelt|terminad|completad)[oa]\b|\b(?:he|hemos) terminado con (?:su|la|tu|todo)\b",
    r"^hecho\b|^(?:¡\s?)?(?:arreglad|solucionad|resuelt|terminad)[oa]\b",
    r"\b(?:está|quedó|ha quedado|fue|ha sido) (?:ya )?(?:complet[oa]|completad[oa]|terminad[oa]|"
    r"resuelt[oa]|finalizad[oa]|solucionad[oa])\b",
)
ACTION = rx(
    rf"\b(?:ha|han|he|hemos|había|habían|has) (?:sido )?(?:ya )?{PART}",
    rf"\b(?:fue|fueron|está|están|quedó|quedaron|queda|quedan|ya está|ya están|ha quedado|"
    rf"han quedado) (?:ya |correctamente |debidamente )?{PART}",
    rf"\bse (?:ha |han )?(?:{_THIRD})\b",
    rf"\b(?:ya )?(?:le |les |lo |la |los |las |se lo |se la )?(?:{PRET})\b",
    r"\b(?:acabo|acabamos) de (?:le |les )?\w+",
    rf"^(?!(?:no|si|cuando|por favor|puede|debe|usted|tendrá)\b)(?:[\w$€.#/-]+ ){{0,10}}{PART}"
    rf"(?=\s*$|[.!,;:]| (?:a|al|para|en|de|del|con|y|correctamente|hoy|ya)\b)",
    r"\b(?:ya )?(?:forma|formas) parte\b|\bya es miembro\b",
    r"\b(?:ya )?está (?:activ|operativ|disponible|habilitad|desbloquead|en marcha)[oa]?\b",
    r"\b(?:va|van) (?:ya )?camino\b|\bya va en camino\b",
)
BLOCK = rx(
    r"\b(?:el|la) (?:agente|asesor|asesora|compañero|compañera|técnico|técnica) (?:anterior|"
    r"previo|previa)\b|\b(?:otro|otra) (?:agente|asesor|compañero|persona)\b",
    r"\b(?:no|nunca|ningún|ninguna|ninguno|nada|tampoco|sin|será|serán|sería|serían|habría|"
    r"habrían|habrá|va a|van a|voy a|vamos a|iba a|podría|podrá|debería|deberá|puede|pueden|"
    r"tiene que|tendrá|hay que|si|cuando|una vez|en cuanto|tan pronto|hasta que|a menos que|"
    r"pendiente|intenté|intentaré|quiere que|quiero|necesita|necesito|déjeme|déjame|"
    r"pidió|pide|para que|estoy|estamos|antes de|antes que|hasta)\b",
    r"(?<=\w)(?:ará|erá|irá|arán|erán|irán|aría|ería|iría)\b",
)
BLOCK_IN = rx(r"\b(?:el|la) (?:agente|asesor|asesora|compañero|compañera|técnico|técnica) "
              r"(?:anterior|previo|previa)\b|\b(?:otro|otra) (?:agente|asesor|compañero|persona)\b",
              r"\b(?:no|nunca|ningún|ninguna|nada|sin|será|serán|sería|serían|habría|habrían|"
              r"habrá|va a|van a|podría|podrá|debería|deberá|puede|pueden|tiene que|tendrá|"
              r"hay que)\b", r"(?<=\w)(?:ará|erá|irá|arán|erán|irán|aría|ería|iría)\b")
AFTER = rx(r"\s*(?:por )?(?:otra persona|otro usuario|alguien más|otro agente|otro compañero)\b",
           r"\s*(?:por|el|la) (?:el |la )?(?:cliente|proveedor|proveedora|almacén|banco|"
           r"transportista|usuario|usuaria)\b",
           r"\s*(?:una vez|cuando|en cuanto|tan pronto|si|después de que|tras la aprobación|"
           r"pendiente|mañana|pronto|más tarde|automáticamente|en breve)\b")
CONDITION = rx(r"\b(?:si|una vez que|una vez|en cuanto|tan pronto como|a menos que|hasta que|"
               r"de haber|de ser|cuando (?:el|la|los|las|se|lo|me|usted|su))\b")
REPORTED = rx(r"^(?:usted |tú )?(?:me|nos) (?:pidió|dijo|comentó|indicó|escribió|solicitó|"
              r"preguntó|pide|ha pedido|ha dicho|comenta|indica)\b",
              r"^usted (?:dijo|mencionó|comentó|indicó|pidió|escribió|solicitó)\b")

_DO = trie(
    "contactar|contacte|comunicarse|comuníquese|ponerse en contacto|póngase en contacto|llamar|"
    "llame|abrir|abra|enviar|envíe|reenviar|reenvíe|escribir|escriba|dirigirse|diríjase|entrar|"
    "entre|acceder|acceda|ingresar|ingrese|iniciar sesión|inicie sesión|hacer clic|haga clic|"
    "pulsar|pulse|presentar|presente|crear|cree|marcar|marque|actualizar|actualice|reservar|"
    "reserve|registrar|registre|solicitar|solicite|pedir|pida|pídale|pídaselo|pídaselo a|"
    "negociar|negocie|completar|complete|rellenar|rellene|llenar|llene|acudir|acuda|ir|vaya|"
    "visitar|visite|consultar|consulte|hablar|hable|utilizar|utilice|usar|use|descargar|"
    "descargue|subir|suba|adjuntar|adjunte|hacerlo|hacerla|gestionarlo|tramitarlo|aprobar|"
    "apruebe|restablecer|restablezca|cambiar|cambie|cancelar|cancele|aceptar|acepte|tramitar|"
    "tramite|realizar|realice|añadir|añada|agregar|agregue|programar|programe|hacer|haga|"
    "darse de alta|dé de alta|liberar|libere|remitir|remita|mandar|mande|escribirle|escríbale|"
    "gestionar|gestione")
HANDBACK = rx(
    rf"\b(?:usted )?(?:puede|podrá|podría|tendrá que|tiene que|deberá|debe|debería|necesitará|"
    rf"necesita|tendría que|habrá que|hay que|le toca)(?: usted)?(?: mismo| misma)? "
    rf"(?:(?:usted|directamente|también|ya|siempre|cuando quiera|primero) )*(?:{_DO})"
    rf"(?:lo|la|los|las|le|les|selo|sela)?\b",
    r"\b(?:podría|puede|podrías|puedes) (?:usted )?(?:pedirle|pedir|contactar|llamar|hablar|"
    r"escribir|solicitar|preguntar)",
    rf"(?:^|, )(?:por favor,? )?(?:{_DO})(?!me\b|nos\b)\b(?! (?:me|nos)\b)",
    r"(?:^|, )(?:intente|pruebe|procure)\b|\b(?:basta con|solo tiene que|sólo tiene que|"
    r"solo necesita|le basta con)\b",
    rf"\bpor favor,? (?:{_DO})\b(?! (?:me|nos)\b)",
    r"\b(?:le|te|les) (?:recomiendo|sugiero|aconsejo|ruego|pido que|recomendamos|sugerimos)\b",
    r"\b(?:recomiendo|sugiero|aconsejo) (?:que|contactar|hablar|escribir|registrar|llamar)\b",
    r"\blo (?:más|mejor) (?:rápido|sencillo|fácil|práctico) (?:es|sería)\b|\bla (?:forma|manera) "
    r"más (?:rápida|sencilla|fácil)\b",
    r"\b(?:usted mism[oa]|por su cuenta|por sí mism[oa]|el propio|la propia|directamente)\b",
    r"\b(?:su|tu) (?:responsable|jefe|jefa|supervisor|supervisora|manager|gerente|banco|"
    r"administrador|administradora|comprador|compradora|equipo|departamento|aprobador) "
    r"(?:\w+ )?(?:debe|deberá|tiene que|tendrá que|necesita|puede|podrá)\b",
    r"\b(?:lo|la|los|las) (?:tiene|tendrá|debe|deberá) que\b",
    r"\bpídaselo\b|\bdiríjase\b|\bcomuníquese\b|\bpóngase en contacto\b",
    r"\b(?:escríbanos|llámenos|contáctenos|escribanos|visítenos)\b",
    rf"\b(?:lo|la|los|las|le|les) (?:puede|podrá|debe|deberá|tiene que|tendrá que) (?:usted )?"
    rf"(?:{_DO}|gestionar|solicitar)\b",
    r"\b(?:le|te) conviene\b|\blo (?:ideal|mejor|más recomendable) es\b|\bes preferible\b",
    r"\b(?:es|son) (?:el|la|los|las|su|sus) [\w ]{1,30}? (?:quien|quienes|el que|la que|los que) "
    r"(?:debe|deben|tiene que|tienen que|puede|pueden|gestiona|gestionan|emite|tramita|aprueba)\b",
    # "tendría que pedírselo a su responsable", "es mejor que lo haga usted", "le toca a usted"
    r"\b(?:tendría|tendrá|tiene|debe|deberá|debería|habría) que \w+(?:selo|sela|selos|selas)\b",
    r"\b(?:es|sería) (?:mejor|preferible|conveniente) que (?:lo |la |los |las |se )?\w+ usted\b|"
    r"\b(?:lo|la|los|las) (?:haga|gestione|tramite|solicite|pida|confirme|pague) usted\b",
    r"\b(?:le|te) toca a (?:usted|ti)\b",
    r"\b(?:se encarga|se ocupa|se encargan|se ocupan) (?:el|la|los|las|su) [\w ]{1,30}\b|"
    r"\b(?:corresponde|le corresponde) a (?:su|el|la)\b",
)
NOT_HANDBACK = rx(
    r"\b(?:recibirá|recibirás|recibirán|puede esperar|podrá esperar)\b",
    r"\bya (?:puede|podrá) (?:iniciar sesión|acceder|conectarse|entrar|usar|utilizar)\b",
    r"\bno (?:tiene|tendrá|necesita|hace falta|es necesario)\b",
    r"\bno dude\b|\bsi (?:tiene|necesita|surge)\b|\bavíseme\b|\btenga en cuenta\b|"
    r"\bresponda a este\b",
)
REFUSAL = rx(
    r"\bno (?:puedo|pude|podemos|pudimos|podré|es posible|fue posible|se pudo|se puede|logré|"
    r"conseguí|he podido|hemos podido|voy a|vamos a|tengo (?:permisos?|acceso)|está "
    r"permitido|cumple|procede|es viable)\b",
    rf"\bno (?:he|hemos|se ha|se han|fue|fueron|se|ha|han|está|están)(?: sido)? (?:{PART}|"
    rf"{_THIRD})",
    rf"\bno (?:{PRET})\b",
    r"\b(?:tengo|tenemos|debo|debemos) que rechazar\b|\brechaz(?:o|é|ar|amos)\b",
    r"\b(?:imposible|falló|ha fallado|fallaron|error \d{3})\b",
    r"\bfuera del plazo\b|\bsupera (?:su|el|la) [\w ]{0,20}límite\b|\bexcede\b",
    r"\b(?:lamentablemente|lo siento|desafortunadamente)\b.*\b(?:no|rechazar|nada)\b",
    r"\bsi (?:tuviera|tuviese|hubiera|hubiese)\b|\bde haber\b|\bya lo habría\b|\bhabría\b",
    r"\b(?:nada|ningun[oa]?) (?:se |fue |ha sido )?\w+(?:ado|ada|ido|ida|ó)\b",
)
QUESTION = rx(
    r"^(?:cuándo|cuál|cuáles|quién|quiénes|dónde|cuánto|cuánta|cuántos|cuántas|le parece bien|"
    r"le importa si|me permite)\b",
    r"\b(?:envíeme|indíqueme|dígame|confírmeme|facilíteme|proporcióneme|compártame|mándeme|"
    r"envíenos|indíquenos|dime|envíame|indícame|pásame|confírmame|avíseme (?:qué|cuál|si))\b",
    r"\b(?:por favor,? )?(?:envíe|indique|confirme|proporcione|facilite|comparta|mande)(?:me|"
    r"nos)? (?:su|el|la|los|las|tu) (?:número|nombre|fecha|código|correo|dirección|id|"
    r"identificador|detalles|datos|referencia)\b",
    r"\bnecesito (?:saber|que me|que (?:usted )?me)\b|\bnecesito (?:su|el|la|los|las|tu) "
    r"(?:\w+ ){0,2}(?:número|nombre|fecha|código|correo|dirección|datos|referencia|usuario|"
    r"identificador|id|nif|cif|teléfono|detalles)\b",
    r"\b(?:podría|puede|podrías) (?:usted )?(?:enviarme|indicarme|decirme|facilitarme|"
    r"confirmarme|proporcionarme|compartir)\b",
)
NOT_QUESTION = rx(r"\bavíseme si (?:necesita|tiene|surge)\b")
CLAUSE = rx(r"[,;:]\s+", r"\s[-–—]\s", r"\s(?:pero|porque|aunque|así que|sin embargo)\s")
COMPLEMENT = rx(r"(?:que|si)\b")

FACTIVE = rx(r"\b(?:verá|verás|podrá ver|puede ver|comprobará|podrá comprobar|puede comprobar|"
             r"notará|va a ver)(?: que)?\b")

OBSERVE = rx(r"\b(?:revisa|revise|consulta|consulte|mira|mire|entra|entre|abre|abra|comprueba|"
             r"compruebe|verifica|verifique|accede|acceda)\b")

SETTLED = rx(
    r"\b(?:ya )?no (?:queda|hay) nada (?:más )?(?:pendiente|por hacer|que hacer|abierto)\b",
    r"\bno (?:se requiere|hace falta|es necesaria|se necesita) ninguna (?:otra |acción |gestión )?"
    r"(?:acción|gestión|intervención)\b|\bnada (?:más )?(?:queda )?pendiente\b",
)
STATUS = rx(r"(?:hecho|hecha|completad[oa]|complet[oa]|éxito|con éxito|exitos[oa]|resuelt[oa]|"
            r"terminad[oa]|"
            r"finalizad[oa]|listo|procesad[oa]|solucionad[oa])(?: con éxito| correctamente)?$")
IDIOM = rx(r"\bno (?:veo la hora|sabe cuánto|sabes cuánto|puedo esperar|puedo estar más "
           r"content[oa]|tiene idea de lo|me canso de)\b|\bsin (?:ningún )?(?:problemas?|"
           r"inconvenientes?|contratiempos?)\b|\bno hay (?:problema|de qué)\b")
PREAMBLE = rx(r"\b(?:list[oa]s?|preparad[oa]s?|dispuest[oa]s?) (?:para|a) (?:ayudar|asistir|"
              r"empezar|"
              r"comenzar|atender|revisar|echar)\w*")

EVIDENTIAL = rx(r"\b(?:figura|aparece|consta) como\b|\bestá marcad[ao] como\b|\bsu estado es\b|"
                r"\bel estado es\b|\bsegún (?:el|los|la|nuestro)\b")

LEXICON = Lexicon("es", TASK, ACTION, BLOCK, BLOCK_IN, AFTER, CONDITION, REPORTED, HANDBACK,
                  NOT_HANDBACK, REFUSAL, QUESTION, NOT_QUESTION, CLAUSE, COMPLEMENT, FACTIVE,
                  OBSERVE, idiom=IDIOM, settled=SETTLED, status=STATUS, preamble=PREAMBLE,
                  evidential=EVIDENTIAL)
