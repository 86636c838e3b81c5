/**
 * Top-level domains the free-text extractor accepts for a bare domain ("evil.example.com" in
 * prose). Prose is full of dotted words that are not domains (report.pdf, Node.js, e.g., v1.2),
 * so a name is only taken when its last label is a TLD in this compact list: every two-letter
 * country-code TLD, the legacy generic TLDs, and the new generic TLDs most seen in abuse data
 * (Spamhaus and Interisle reports), plus "onion". Anything else can be added with the
 * `extra_tlds` option. A URL with a scheme ("hxxp://x.anything/") needs no list: its scheme says
 * it is a URL.
 */

const CC = `ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt
bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu
fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in
io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me
mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg
ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx
sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt
za zm zw`;

const GENERIC = `com net org info biz name pro int edu gov mil aero asia cat coop jobs mobi museum tel travel xxx
post onion xyz top online site club shop store live app dev icu vip work buzz tech space website fun cloud
link click digital network life world today email host press news blog ltd group agency solutions services
support center zone win bid loan loans date download review stream trade party racing science cricket faith
accountant men kim ooo gdn lol wang rest bar cyou monster sbs cfd bond quest beauty hair skin makeup autos
boats homes yachts motorcycles mom lat pics best cam uno ink run rocks ninja guru global page tokyo moscow
systems company business finance financial money cash casino bet games game chat social media art design
studio photo photos pictures events city land house estate help guide tips fit love sex porn adult dating
fyi health care bio pub cab surf team technology software tools zip mov market markets trading capital fund
credit bank exchange ventures express africa berlin london nyc paris wiki red blue pink black plus now new
one eco gay cool social today live ru rf su moe men mba academy computer consulting directory education
email energy equipment gallery institute international management marketing partners productions report
reviews school security services shopping style tax tours training university vacations works xin`;

const parse = (s: string) => new Set(s.split(/\s+/).filter((x) => x !== ''));

/** Every TLD of the compact list, lower case. */
export const KNOWN_TLDS: ReadonlySet<string> = new Set([...parse(CC), ...parse(GENERIC)]);

/**
 * TLDs that are also common file extensions (script.py, install.sh, README.md, lib.so, payload.zip,
 * video.mov, main.tf, ...). A bare name ending in one is only taken when the text defanged it
 * ("payload[.]zip"), because that is the author saying it is a domain.
 */
export const FILE_EXTENSION_TLDS: ReadonlySet<string> = parse(
  'py sh pl md rs ps so zip mov pm ai mk tf cab app run pub sc',
);
