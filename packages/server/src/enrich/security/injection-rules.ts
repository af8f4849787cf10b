// The phrase rules of the injection detector. They match the folded text of normalize.ts:
// lowercase, accents removed, whitespace collapsed to one space (line breaks kept as '\n').
// Every pattern is linear: no nested quantifiers, gaps bounded (`{0,60}`), so a crafted text
// costs at most a constant factor per character.
//
// A rule's `gate` (a regex source of plain alternatives) matches where any of its patterns can
// start: one combined pass looks for all gates and only the rules whose gate is found run their
// patterns, so most clean text costs that one pass.
//
// Changing what a rule matches bumps its `version` (events name `<id>@<version>`) and
// INJECTION_RULESET_VERSION, so stored detections say which rules produced them.

import type { InjectionKind } from '../../domain/security.ts';

export type InjectionOrigin = 'prompt' | 'retrieval' | 'tool';

export interface PhraseRule {
  id: string;
  version: number;
  kind: InjectionKind;
  weight: number; // for text the user sent (origin `prompt`)
  // For retrieved documents and tool results, where text addressed to the model is not the user's.
  indirectWeight: number;
  description: string;
  gate: RegExp;
  // How far past the start of its gate a match can end (the patterns' bounded gaps, summed).
  reachChars: number;
  patterns: readonly RegExp[];
}

// English nouns and qualifiers of "ignore all previous instructions".
const OVERRIDE_VERB = '(?:ignore|disregard|forget|skip|override|bypass|discard|abandon|neglect|(?:do not|don\'t|stop) follow(?:ing)?)';
const PRIOR = '(?:previous|prior|preceding|above|earlier|foregoing|former|original|initial|old|existing|system|developer)(?:ly)?';
const INSTRUCTIONS = '(?:instructions?|directions?|directives?|rules|guidelines|prompts?|commands?|guidance|orders|constraints|programming)';

export const PHRASE_RULES: readonly PhraseRule[] = [
  {
    id: 'instruction_override',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.85,
    indirectWeight: 0.9,
    description: 'Tells the model to ignore, forget or override the instructions it was given (en, de, fr, es, it, pt, nl), or declares them void.',
    gate: /\b(?:ignor|disregard|forget|skip|overrid|bypass|discard|abandon|neglect|do not follow|don't follow|stop follow|you are no longer|(?:above|previous|prior|earlier|original) (?:instructions|rules|guidelines)|vergiss|vergessen|missacht|oubli|ne tien|ne tene|olvid|omite|haz caso|descart|dimentic|trascura|non considerare|esquec|desconsider|negeer|vergeet|verwaarloos)/,
    reachChars: 320,
    patterns: [
      // "my"/"our": users take back their own earlier instructions.
      new RegExp(`\\b${OVERRIDE_VERB} (?:all |any |every |each )?(?:of )?(?:the |your |these |those |such )?(?:(?!my |our )\\w+ )?${PRIOR} (?:\\w+ )?${INSTRUCTIONS}\\b`),
      new RegExp(`\\b${OVERRIDE_VERB} (?:all |any )?(?:of )?your (?:\\w+ )?(?:instructions|rules|guidelines|programming|directives|constraints|restrictions|system prompt|system message|training)\\b`),
      new RegExp(`\\b${OVERRIDE_VERB} (?:all |any )?(?:of )?(?:the )?(?:instructions|rules|guidelines|directives) (?:above|before this|you (?:were|have been) given|given to you)\\b`),
      /\b(?:ignore|disregard|forget|override) (?:the |your )?(?:system|developer) (?:prompt|message)\b/,
      /\b(?:ignore|disregard|override) (?:the |all |any |your )?(?:safety|content|usage|moderation) (?:policy|policies|guidelines|rules|filters)\b/,
      /\byou are no longer (?:bound|restricted|limited|required to follow|obliged to follow|governed) (?:by )?/,
      /\b(?:the |all )?(?:above|previous|prior|earlier|original) (?:instructions|rules|guidelines) (?:are|were|is|was) (?:now )?(?:cancel+ed|void|null and void|fake|obsolete|outdated|revoked|no longer valid|superseded)\b/,
      // de
      /\b(?:ignoriere|ignorier|ignorieren sie|ignoriert|vergiss|vergessen sie|missachte|missachten sie) (?:alle |samtliche |jegliche )?(?:\w+ )?(?:vorherigen|vorigen|bisherigen|obigen|vorangegangenen|fruheren|vorstehenden|vorhergehenden|alten|ursprunglichen|gegebenen) (?:\w+ )?(?:anweisungen|instruktionen|befehle|regeln|vorgaben|anordnungen|richtlinien)\b/,
      /\b(?:ignoriere|ignorieren sie|vergiss|vergessen sie|missachte) (?:alle|deine|ihre|samtliche) (?:\w+ )?(?:anweisungen|instruktionen|regeln|vorgaben|richtlinien)\b/,
      // fr
      /\b(?:ignore|ignorez|ignorer|oublie|oubliez|oublier|ne (?:tiens|tenez) pas compte) (?:de |des |du )?(?:toutes |tous )?(?:les |tes |vos |des )?(?:instructions|consignes|directives|regles|ordres|indications) (?:\w+ )?(?:precedentes|precedents|anterieures|ci-dessus|d'avant|initiales|originales|du systeme|qu'on t'a donnees|que l'on vous a donnees)\b/,
      /\b(?:ignore|ignorez|oublie|oubliez) (?:toutes|tous) (?:les |tes |vos )?(?:instructions|consignes|directives|regles)\b/,
      // es
      /\b(?:ignora|ignore|ignorar|ignoren|olvida|olvide|olviden|olvidar|descarta|omite|haz caso omiso (?:a|de)) (?:todas |todos )?(?:las |los |tus |sus )?(?:\w+ )?(?:instrucciones|indicaciones|ordenes|reglas|directrices|normas) (?:\w+ )?(?:anteriores|previas|precedentes|de arriba|iniciales|originales|del sistema)\b/,
      /\b(?:ignora|ignore|olvida|olvide) (?:todas) (?:las |tus |sus )?(?:instrucciones|indicaciones|reglas|directrices)\b/,
      // it
      /\b(?:ignora|ignorate|ignori|dimentica|dimenticate|dimentichi|trascura|non considerare) (?:tutte |tutti )?(?:le |i )?(?:\w+ )?(?:istruzioni|indicazioni|regole|direttive|ordini) (?:\w+ )?(?:precedenti|di prima|sopra|iniziali|originali|del sistema)\b/,
      /\b(?:ignora|dimentica) (?:tutte) (?:le )?(?:istruzioni|indicazioni|regole|direttive)\b/,
      // pt
      /\b(?:ignore|ignora|ignorar|ignorem|esqueca|esquece|esquecam|desconsidere|desconsidera|descarte) (?:todas |todos )?(?:as |os |suas |tuas )?(?:\w+ )?(?:instrucoes|orientacoes|ordens|regras|diretrizes|indicacoes) (?:\w+ )?(?:anteriores|previas|acima|iniciais|originais|do sistema)\b/,
      /\b(?:ignore|ignora|esqueca|esquece|desconsidere) (?:todas) (?:as |suas )?(?:instrucoes|orientacoes|regras|diretrizes)\b/,
      // nl
      /\b(?:negeer|negeren|vergeet|vergeten|verwaarloos) (?:alle )?(?:de |je |jouw |uw )?(?:\w+ )?(?:vorige|voorgaande|eerdere|bovenstaande|oorspronkelijke|oude|originele) (?:\w+ )?(?:instructies|aanwijzingen|opdrachten|regels|richtlijnen|prompts?)\b/,
      /\b(?:negeer|vergeet) (?:alle|je|jouw|uw) (?:\w+ )?(?:instructies|aanwijzingen|regels|richtlijnen)\b/,
    ],
  },
  {
    id: 'override_soft',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.45,
    indirectWeight: 0.7,
    description: 'Weaker override phrasings ("ignore the above and…", "forget everything you were told", "new instructions:") that users also write about their own earlier messages.',
    gate: /\b(?:ignor|disregard|forget|your (?:new|real|actual|true) |(?:new|updated|revised|real|actual|true|important|urgent|additional) (?:system )?instructions? ?:)/,
    reachChars: 320,
    patterns: [
      /\b(?:ignore|disregard|forget) (?:all |everything )?(?:of )?(?:the )?(?:above|said above|written above|before this)(?: text| message| content)?(?: and|,| then| instead| -|:)/,
      /\b(?:ignore|disregard|forget) (?:everything|all|anything) (?:you (?:were|have been) told|you know|above|before this|that came before)\b/,
      /(?:^|\n|[.!:] )(?:new|updated|revised|real|actual|true|important|urgent|additional) (?:system )?instructions? ?:/,
      /\byour (?:new|real|actual|true) (?:instructions|task|goal|objective|purpose|role|directive|mission) (?:is|are|will be)\b/,
    ],
  },
  {
    id: 'dan_persona',
    version: 1,
    kind: 'jailbreak',
    weight: 0.85,
    indirectWeight: 0.85,
    description: 'The "Do Anything Now" family of persona jailbreaks (DAN, STAN, BetterDAN, AntiGPT, Mongo Tom) and their "[JAILBREAK]" answer tags.',
    gate: /do anything now|\b(?:dan|stan|betterdan|anti-?dan|antigpt|anti-gpt|mongo tom)\b|strive to avoid|jailbr/,
    reachChars: 320,
    patterns: [
      /\bdo anything now\b/,
      /\b(?:dan|stan|betterdan|anti-?dan) mode\b/,
      // "dan" and "stan" are also names: the persona needs a jailbreak cue nearby.
      /\b(?:you are|you're|you will be|act as|pretend to be|become|stay|remain) (?:now )?(?:going to (?:act|pretend) as )?(?:a |the )?(?:dan|stan|betterdan|antigpt|anti-gpt|mongo tom)\b[^\n]{0,80}?(?:stands for|can do anything|no (?:restrictions|rules|limits|filters)|broken free|jailbr|openai|content polic|two (?:different )?(?:responses|answers)|character)/,
      /\bstrive to avoid norms\b/,
      /\[(?:🔓 ?)?jailbr(?:eak|oken)\]/,
      /\byou (?:are|have been) (?:now )?jailbroken\b/,
    ],
  },
  {
    id: 'developer_mode',
    version: 1,
    kind: 'jailbreak',
    weight: 0.75,
    indirectWeight: 0.75,
    description: '"Developer mode" and similar fake modes that claim to lift the model\'s policies (not enabling developer mode on a phone or browser).',
    gate: /\b(?:developer|dev) mode|\bmode (?:enabled|activated|on|engaged)\b/,
    reachChars: 320,
    patterns: [
      /\b(?:act as|simulate|emulate|pretend to be|behave like|respond as|roleplay as) (?:\w+ ){0,3}?with (?:developer|dev) mode\b/,
      /\((?:🔓 ?)?(?:developer|dev) mode output\)/,
      /\byou (?:are|will be|are now) (?:now )?(?:in|running in|operating in|acting in) (?:developer|dev) mode\b(?! on| for| of)/,
      /\b(?:developer|dev) mode\b[^\n]{0,80}?\b(?:content polic|censor|uncensored|unfiltered|openai|anthropic|any kind of content|no restrictions|ignore all)/,
      /\b(?:content polic\w+|censor\w*|openai|anthropic)\b[^\n]{0,80}?\b(?:developer|dev) mode (?:enabled|activated|on)\b/,
      /\b(?:opposite|chaos|god|unrestricted|unlocked|jailbreak|jailbroken|evil|uncensored) mode (?:enabled|activated|on|engaged)\b/,
    ],
  },
  {
    id: 'no_restrictions',
    version: 1,
    kind: 'jailbreak',
    weight: 0.75,
    indirectWeight: 0.75,
    description: 'Asks the model to pretend it has no rules or filters, to act as an unfiltered or uncensored AI, or to switch its safety off.',
    gate: /\bpretend|unfilter|uncensor|unrestrict|unbound|amoral|unethical|unaligned|jailbroken|\brogue|unlimited|unmoderated|\byou (?:have|now have|will have|possess) no |\byou are (?:now )?(?:free|freed|liberated|released|unshackled) |\bwithout (?:any )?(?:ethical|moral|content|safety)|\b(?:disable|turn off|remove|deactivate|bypass|ignore|drop|switch off) (?:all |any )?(?:of )?your /,
    reachChars: 320,
    patterns: [
      /\bpretend\b[^.\n]{0,40}?\b(?:no|without|free of|free from|not bound by any|zero)\s(?:\w+\s)?(?:restrictions|rules|limits|limitations|filters|guidelines|boundaries|censorship|ethics|morals|constraints|content polic\w*|safety\w*)\b/,
      /\b(?:act|behave|respond|answer|reply|operate|function|roleplay|role-play)\s(?:as|like)\s(?:an?\s|the\s)?(?:\w+\s)?(?:unfiltered|uncensored|unrestricted|unbound|amoral|unethical|unaligned|jailbroken|rogue|unlimited|unmoderated)\s(?:\w+\s)?(?:ai|model|assistant|chatbot|bot|llm|version|language model|entity|persona|gpt)\b/,
      /\byou (?:have|now have|will have|possess) no (?:\w+ )?(?:restrictions|rules|limits|filters|guidelines|ethics|morals|censorship|content polic\w*|safety guidelines)\b/,
      /\byou are (?:now )?(?:free|freed|liberated|released|unshackled) from (?:all |any |your )?(?:\w+ )?(?:restrictions|rules|limits|limitations|filters|guidelines|constraints|programming|polic\w+|shackles)\b/,
      /\b(?:respond|answer|reply|write|talk|speak|generate)\w* (?:\w+ ){0,3}?without (?:any )?(?:ethical|moral|content|safety) (?:\w+ )?(?:restrictions|guidelines|limits|filters|constraints|considerations|polic\w+|censorship)\b/,
      /\b(?:disable|turn off|remove|deactivate|bypass|ignore|drop|switch off) (?:all |any )?(?:of )?your (?:\w+ )?(?:safety|content|ethical|moral)? ?(?:filters|restrictions|guardrails|safeguards|guidelines|censorship|limitations|alignment|safety)\b/,
    ],
  },
  {
    id: 'evil_persona',
    version: 1,
    kind: 'jailbreak',
    weight: 0.7,
    indirectWeight: 0.7,
    description: 'Role-play as an evil, amoral or unethical character that answers what the model would refuse ("evil confidant", AIM).',
    gate: /\bevil|malicious|amoral|unethical|immoral|sinister|unhinged|machiavellian/,
    reachChars: 320,
    patterns: [
      /\bevil (?:confidant|confidante|twin|alter ego)\b/,
      /\b(?:you are|you're|act as|play|roleplay as|role-play as|pretend to be|become|be|respond as) (?:now )?(?:my |an? |the )?(?:completely |totally )?(?:evil|malicious|amoral|unethical|immoral|sinister|unhinged) (?:\w+ )?(?:ai|assistant|confidant|confidante|chatbot|bot|version|model|counterpart|persona|character who)\b/,
      /\balways intelligent and machiavellian\b/,
    ],
  },
  {
    id: 'refusal_suppression',
    version: 1,
    kind: 'jailbreak',
    weight: 0.4,
    indirectWeight: 0.4,
    description: 'Forbids refusals, warnings or breaking character; weak alone (users ask for no disclaimers), it strengthens a persona jailbreak.',
    gate: /refuse|decline|say (?:you|that you) can't|without (?:any )?(?:warnings|disclaimers|moraliz|moralis|refusal)|in character|\banswer (?:every|any|all) /,
    reachChars: 320,
    patterns: [
      /\b(?:never|don't|do not|must not|will not|won't|cannot|can't|can never|are not allowed to|may not) (?:ever )?(?:refuse|decline|say (?:you|that you) can't)\b/,
      /\bwithout (?:any )?(?:warnings|disclaimers|moralizing|moralising|refusals?)\b(?:[^\n]{0,40}?\b(?:no matter|regardless|how (?:illegal|harmful|unethical|dangerous)))/,
      /\b(?:stay|remain|keep) in character\b[^\n]{0,60}?\b(?:no matter|even if|regardless|never break|at all (?:times|costs))/,
      /\banswer (?:every|any|all) (?:questions?|requests?|prompts?) (?:\w+ )?(?:no matter|regardless|even if)\b/,
    ],
  },
  {
    id: 'system_prompt_extraction',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.7,
    indirectWeight: 0.8,
    description: 'Asks for the system prompt, initial or hidden instructions, or the text that came before the conversation.',
    gate: /\byour (?:\w+ ){0,2}?(?:system|instructions|prompt|rules|guidelines|configuration|pre-?prompt|developer)|\b(?:hidden|secret|initial|original|confidential|internal) (?:system )?(?:instructions|prompt|rules)|\b(?:instructions|rules) (?:were|have) you|\bwere you told|\b(?:above|before this|preceding|prior to this)\b/,
    reachChars: 320,
    patterns: [
      /\b(?:reveal|print|show|display|repeat|output|tell me|give me|share|leak|dump|list|write out|write down|recite|spell out|echo|provide|send me|disclose|expose|return|paste)\s(?:me\s)?(?:all\s|back\s)?(?:of\s)?your\s(?:\w+\s){0,2}?(?:system prompt|system message|system instructions|instructions|initial prompt|original prompt|hidden prompt|prompt|pre-?prompt|developer (?:message|instructions|prompt)|configuration|rules|guidelines)\b/,
      /\b(?:reveal|print|show|display|repeat|output|tell me|give me|leak|dump|write out|recite|echo|disclose|paste)\s(?:me\s)?(?:the\s)?(?:\w+\s)?(?:hidden|secret|initial|original|confidential|internal) (?:system )?(?:instructions|prompt|rules)\b/,
      /\bwhat (?:is|are|was|were) your (?:exact |full |complete |original |initial |hidden |secret |current )*(?:system prompt|system message|system instructions|instructions|initial prompt|prompt)\b/,
      /\b(?:what|which) (?:instructions|rules) (?:were|have) you (?:been )?(?:given|told)\b|\bwhat were you told (?:before|at the (?:start|beginning)|to do)\b/,
      /\b(?:repeat|print|output|recite|echo|reproduce|write|display|show)\s(?:\w+\s){0,3}?(?:the )?(?:text|words|everything|content|message|prompt|lines?|instructions)\s(?:\w+\s){0,2}?(?:above|before this|preceding|prior to this)\b[^\n]{0,60}?\b(?:verbatim|word for word|exactly|in full|starting (?:with|from)|beginning with|from the (?:start|beginning|top)|code block|including everything|all of it|unchanged)/,
      /\b(?:repeat|print|output|recite|echo|reproduce)\s(?:\w+\s){0,2}?(?:everything|all) (?:above|before) this (?:line|message|point|sentence)\b/,
    ],
  },
  {
    id: 'role_injection',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.6,
    indirectWeight: 0.8,
    description: 'Fake conversation markers: chat-template tokens (<|im_start|>system, [INST], <<SYS>>), "system:" lines, <system> tags, "END OF USER INPUT".',
    gate: /<\|\w+\|>|\[\/?inst\]|<<\/?sys>>|(?:^|\n)(?:#{1,4} ?|\*\*|\[)?(?:system|developer)|<\/?(?:system|sys|system_prompt|admin)>|<\/user>|\bend of |\b(?:begin|start|starting|beginning)(?: of)? (?:the )?(?:new |real |actual )?(?:system|admin|developer|root) /,
    reachChars: 320,
    patterns: [
      /<\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id|user|assistant)\|>/,
      /\[\/?inst\]|<<\/?sys>>/,
      // A sentence after the colon: `system: linux` is a configuration key, not a fake turn.
      /(?:^|\n)(?:#{1,4} ?|\*\*|\[)?(?:system|developer)(?: message| prompt| override| instructions?| note| update)?(?:\*\*|\])? ?: ?\w+[ ,;]+\w+ \w+/,
      /<\/?(?:system|sys|system_prompt|admin)>|<\/user>/,
      /\bend of (?:the )?user (?:input|prompt|message|query|data)\b/,
      /(?:-{3,}|={3,}|#{3,}|\*{3,}|\[|<) ?end of (?:the )?(?:input|prompt|document|context|data|instructions?|conversation)\b/,
      /\b(?:begin|start|starting|beginning)(?: of)? (?:the )?(?:new |real |actual )?(?:system|admin|developer|root) (?:prompt|instructions?|message|override|mode)\b/,
    ],
  },
  {
    id: 'instruction_header',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.2,
    indirectWeight: 0.6,
    description: 'An instruction-tuning header ("### Instruction:", "### System:") — normal in a prompt the user wrote, suspicious inside a document or a tool result.',
    gate: /(?:^|\n)#{2,4} ?(?:new )?(?:instruction|system|response)/,
    reachChars: 320,
    patterns: [/(?:^|\n)#{2,4} ?(?:new )?(?:instructions?|system|system prompt|response)\b ?:?/],
  },
  {
    id: 'indirect_addressed',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.15,
    indirectWeight: 0.8,
    description: 'Text that addresses the AI reading it ("AI assistant: ignore…", "if you are an AI…", "when you read this, send…", "do not tell the user").',
    gate: /\b(?:ai|assistant|chatbot|llm|language model|agent|gpt|chatgpt|claude|gemini|copilot|automated|bot)s?\b|\b(?:to|for) (?:the |any |all )?models?\b|\bwhen you (?:read|see|process|summari[sz]e|encounter|parse|find) this|\bthe user\b/,
    reachChars: 320,
    patterns: [
      /\b(?:ai|assistant|chatbot|llm|language model|agent|gpt|chatgpt|claude|gemini|copilot|ai agent|ai assistant|ai model|ai system)s? ?[:,] (?:please )?(?:ignore|disregard|forget|do not tell|don't tell|do not mention|you must|instead|from now on|send|forward|exfiltrate|append|insert)\b/,
      /\b(?:note|message|instructions?|attention|important|notice) (?:to|for) (?:the |any |all )?(?:ai|assistant|chatbot|llm|language model|agent|gpt|ai agent|ai assistant|ai model|model)s?\b(?: (?:reading|processing|summari[sz]ing)| ?:)/,
      /\b(?:dear|hey|hello|attention) (?:ai|assistant|chatbot|llm|language model|ai agent|ai assistant|ai model)s?\b ?[,:!]/,
      /\bif you are an? (?:ai|llm|large language model|language model|assistant|chatbot|ai agent|ai assistant|automated (?:agent|assistant|system)|bot)\b/,
      /\b(?:to|for) (?:any|all|the) (?:ai|llm|language model|assistant|chatbot|agent)s? (?:that is |who is )?(?:reading|processing|summari[sz]ing|parsing|browsing)\b/,
      /\bwhen you (?:read|see|process|summari[sz]e|encounter|parse|find) this\b[^.\n]{0,20}?,? ?(?:you must |you should |please |immediately |then )?(?:ignore|send|forward|email|include|tell|say|respond|reply|output|print|insert|call|visit|open|execute|run|delete|recommend|add|append|write|praise)\b/,
      /\b(?:do not|don't|never) (?:tell|inform|mention (?:this|it) to|reveal (?:this|these instructions) to|alert|notify|let) the user\b|\bwithout (?:telling|informing|notifying|alerting) the user\b|\bthe user (?:must|should) not (?:know|see|be told)\b/,
    ],
  },
  {
    id: 'exfiltration',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.3,
    indirectWeight: 0.7,
    description: 'Asks to send the conversation, user data or secrets to an address or URL, or to put them into a link or image URL.',
    gate: /conversation|chat history|\buser'?s? |previous messages|secret|api key|credential|password|system prompt|\btokens?\b/,
    reachChars: 320,
    patterns: [
      /\b(?:send|forward|email|e-mail|post|upload|exfiltrate|transmit|leak|copy) (?:\w+ ){0,3}?(?:conversation|chat history|user'?s? (?:\w+ )?(?:data|emails?|messages|password|passwords|credentials|contacts|files|information|details|history)|previous messages|the (?:system prompt|api keys?|credentials|secrets?|passwords?|tokens?)) (?:\w+ ){0,3}?to (?:https?:|www\.|[\w.+-]+@[\w-]+\.|the following|this (?:address|url|email|endpoint|webhook))/,
      /\b(?:append|add|include|insert|encode|put) (?:\w+ ){0,4}?(?:conversation|chat history|user'?s? (?:\w+ )?(?:data|email|messages|name|password|information|details)|previous messages|secrets?|api keys?|credentials|passwords?|system prompt) (?:\w+ ){0,3}?(?:to|in|into|as) (?:the |this |a |an )?(?:url|link|query|query string|image|parameter|markdown image)\b/,
    ],
  },
  {
    id: 'hidden_instruction',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.45,
    indirectWeight: 0.8,
    description: 'Instructions hidden from a human reader: in HTML comments, invisible CSS text, markdown link titles, or image URLs built to carry data out.',
    gate: /<!--|display ?: ?none|visibility ?: ?hidden|font-size ?: ?0|color ?: ?(?:white|#fff|transparent)|opacity ?: ?0|\]\(/,
    reachChars: 640,
    patterns: [
      /<!--[^>]{0,400}?(?:\bignore\b|\bdisregard\b|\bassistant\b|\bai\b|\bllm\b|language model|chatbot|system prompt|you must|you are now|instructions? (?:to|for) (?:the )?(?:ai|assistant|model))/,
      /(?:display ?: ?none|visibility ?: ?hidden|font-size ?: ?0(?:px|pt|em)?\b|color ?: ?(?:white|#fff\b|#ffffff|transparent)|opacity ?: ?0\b)[^<>]{0,40}>[^<]{0,300}?(?:\bignore\b|\bdisregard\b|\bassistant\b|\bai\b|\bllm\b|language model|instruction|you must|system prompt)/,
      /\]\(\S{1,300} "[^"\n]{0,200}?(?:\bignore\b|\bdisregard\b|\bassistant\b|\bai\b|\bllm\b|instruction|you must)[^"\n]{0,200}"\)/,
      /!\[[^\]\n]{0,200}\]\(https?:\/\/[^)\s]{1,300}?[?&][\w.-]{1,40}=(?:\{|\[|<|%7b|%5b|%3c|\$)/,
    ],
  },
];
