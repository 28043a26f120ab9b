"""Closed word classes the matching rules rely on (English)."""
from __future__ import annotations

MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
WEEKDAYS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thurs Fri Sat Sun".split()
)
HOLIDAYS = frozenset(
    "Christmas Easter Thanksgiving Halloween Ramadan Eid Hanukkah Passover Diwali Lent Advent".split()
)

# capitalised words that are not names on their own
NOT_NAMES = MONTHS | WEEKDAYS | HOLIDAYS | frozenset(
    "I A An The This That These Those It Its He She His Her They Their Them We Our Us You Your My Me "
    "Mr Mrs Ms Dr Sir Madam Dame Lord Lady St Internet Web God OK TV CD DVD PC CEO CFO COO CTO "
    "AM PM BC AD GMT UTC EST PST No Yes Oh And But Or Nor So Yet For Of In On At By To From With As "
    "If When While Where Why How What Who Which Whose After Before During Since Until Although Though "
    "Because However Meanwhile Moreover Also Then Now Today Yesterday Tomorrow Tonight Here There "
    "Read Tags Photo Video Image Source Sources Update Updated Editor Note Advertisement Share "
    "Some Many Most All Several Few Both Each Every Other Such More Less Only Even Just Still Not "
    "Besides Despite Among Unlike Like Under Over Against Without Within Through Throughout Across "
    "Along Amid Beyond Toward Towards Upon Via Except Including Regarding According Following".split()
)

# titles and roles: split a capitalised run (the name follows them) and mark the next name a person
PERSON_TITLES = frozenset(
    "Mr Mrs Ms Miss Dr Sir Dame Lord Lady Prof Professor President Vice Prime Minister Chancellor Secretary "
    "Senator Sen Governor Gov Mayor King Queen Prince Princess Pope Sheikh Emir Sultan Emperor Ayatollah "
    "Archbishop Bishop Cardinal Rabbi Imam Rev Reverend Judge Justice Gen Colonel Col Commander "
    "Admiral Adm Captain Capt Lieutenant Lt Sergeant Sgt Marshal Major Maj Chairman Chairwoman Chair "
    "Spokesman Spokeswoman Spokesperson Ambassador Deputy Premier Speaker Leader Coach Detective Inspector "
    "Officer Director Chief Executive CEO CFO COO CTO Founder Co-founder Cofounder Presiding Acting Former "
    "Representative Rep Congressman Congresswoman Councillor Councilman Attorney Minister Foreign Defence "
    "Defense Interior Finance Economy Health Justice Trade Duke Duchess Count Countess Baron Baroness "
    "Pastor Father Brother Sister Saint Private Corporal Agent Analyst Reporter Correspondent Editor "
    "Chief-Executive Officer President-elect Senior Junior Superintendent Commissioner Chancellor "
    "Governor-General Secretary-General Undersecretary Envoy Negotiator Lawyer Prosecutor Chaplain".split()
)

# a run containing one of these names an organisation ("Apple Corps", "Bank of America")
ORG_WORDS = frozenset(
    "Inc Corp Corporation Company Co Ltd Limited LLC plc PLC AG SA GmbH NV Group Holdings Bank Banks "
    "University College Institute Institution Foundation Association Agency Ministry Department Council "
    "Committee Commission Court Courts Tribunal Party Union Federation Organization Organisation Authority "
    "Bureau Office Service Services Corps Army Navy Force Forces Guard Guards Police Airlines Airways "
    "Motors Systems Technologies Technology Networks Network Communications Records Studios Pictures "
    "Entertainment Media News Times Post Journal Press Club League Center Centre Hospital School Museum "
    "Church Conference Store Exchange Fund Trust Partners Capital Energy Oil Gas Petroleum Electric "
    "Computer Computers Software Labs Laboratories Pharmaceuticals Reserve Senate Congress Parliament "
    "Assembly Cabinet Government Administration Embassy Brigade Battalion Regiment Division Fleet Command "
    "Council Coalition Alliance Movement Front Network Board Industries Enterprises Associates "
    "Magazine Gazette Herald Tribune Telegraph Guardian Observer Daily Weekly Radio Television Channel "
    "Team Academy Society Institute Commission Secretariat Directorate Inspectorate Prosecutor "
    "Library Securities Investments Lines Portfolio Index Holding Oy Cie Airport Studio Labs Motor "
    "Bancorp Bancorporation Financial Insurance Assurance Railway Railways Railroad Shipping".split()
)

# tokens after the first that make the first token a short form of the name ("Apple Inc." -> "Apple")
ORG_SUFFIXES = frozenset(
    "Inc Corp Corporation Co Company Ltd Limited LLC plc PLC AG SA GmbH NV Group Holdings "
    "Computer Computers International Incorporated".split()
)

# lower-case words allowed inside a name, between two capitalised words
CONNECTORS = frozenset("of for de del della di da du des von van der den la le al el bin ibn y & and".split())
# "of"/"for"/"and" only join after one of these heads ("Bank of America", "Royal Courts of Justice")
OF_HEADS = ORG_WORDS | frozenset(
    "Republic Kingdom States Emirates Islands Isle Sea Gulf Bay Lake Mount Cape Port University Secretary "
    "Minister Ministry Department Chamber House Houses Palace Church Cathedral Museum Order Court Courts "
    "Prince Princess King Queen Duke Bank Institute School College League Federation".split()
)

# words placed before a place to name part of it ("southern Russia")
DIRECTIONS = frozenset(
    "northern southern eastern western central northeastern northwestern southeastern southwestern "
    "north-eastern north-western south-eastern south-western north south east west upper lower "
    "Northern Southern Eastern Western Central North South East West Northeast Northwest Southeast "
    "Southwest Upper Lower".split()
)

# after a seat of power, these make it an actor ("the Kremlin said")
ACTING_CUES = frozenset(
    "said says say denied denies deny claimed claims claim accused accuses announced announces warned warns "
    "insisted insists confirmed confirms rejected rejects called calls dismissed dismisses responded responds "
    "has had have is was will would could may might must should ordered orders blamed blames threatened "
    "spokesman spokeswoman spokesperson press official officials statement stated declared declares "
    "vowed vows urged urges demanded demands sought seeks wants wanted refused refuses agreed agrees "
    "decided decides approved approves condemned condemns welcomed welcomes".split()
)

# adjectives and group nouns that are capitalised but name no single actor or place
NOT_ENTITIES = frozenset(
    "Arab Arabs Asian Asians African Africans European Europeans Western Westerners Eastern Northern "
    "Southern Muslim Muslims Moslem Moslems Islamic Christian Christians Jewish Jews Catholic Catholics "
    "Protestant Hindu Buddhist Sunni Sunnis Shiite Shiites Shia Latin Nordic Scandinavian Baltic Balkan "
    "West East North South Caucasian Hispanic Communist Communists Socialist Socialists Liberal Liberals Conservative "
    "Conservatives Federal National International Royal Imperial General First Second Third Fourth "
    "English Spanish Arabic Hebrew Mandarin Cantonese Hindi Urdu Persian Farsi Latino Celsius Fahrenheit "
    "Very Well Yes Oh Okay Please Thanks Sorry".split()
)

# after a capital city, these make it its government ("Moscow denied", "Washington warned");
# narrower than ACTING_CUES: "Moscow has a million cars"
SPEECH_CUES = frozenset(
    "said says denied denies claimed claims accused accuses announced announces warned warns insisted insists "
    "confirmed confirms rejected rejects responded responds blamed blames threatened threatens condemned "
    "condemns welcomed welcomes demanded demands urged urges vowed vows retaliated protested protests "
    "recalled expelled summoned sanctioned imposed".split()
)

# after a country name, these make it a modifier naming who acts, not where ("US officials")
ACTOR_NOUNS = frozenset(
    "officials official forces troops soldiers military army navy government authorities intelligence "
    "diplomats diplomat lawmakers leaders leader president minister ministry spokesman spokeswoman "
    "spokesperson envoy ambassador delegation negotiators sources officers agents police prosecutors "
    "regulators administration investigators commanders generals warships jets aircraft drones missiles "
    "companies firms banks investors".split()
)

DETERMINERS = frozenset("a an the this that his her its their our my your".split())

# country names that are also common nouns: after a determiner they are the noun ("a turkey")
COMMON_NOUN_PLACES = frozenset("Turkey China Chad Jersey Guinea Chile Cuba Java Panama Bermuda Japan".split())

PRONOUNS_PERSON = frozenset("he she him his her".split())

# a name ending with one of these is a site ("Unity Boulevard", "Serengeti National Park")
PLACE_WORDS = frozenset(
    "Street St Avenue Ave Boulevard Road Rd Drive Lane Way Square Plaza Bridge Park Gardens Stadium Arena "
    "Station Palace Castle Cathedral Mosque Temple Tower Beach Harbor Harbour Island Islands Mountain "
    "Mountains Mount Hills River Lake Valley Desert Sea Ocean Bay Strait Canal Peninsula Dam Pass Canyon "
    "Heights Springs Falls Village Forest Field Fields Base Airfield Refinery Mine Pipeline Crossing "
    "Checkpoint Prison".split()
)
# a name ending with one of these is a law, a treaty or an event: neither actor nor place
NOT_ACTOR_HEADS = frozenset(
    "Act Acts Treaty Accord Accords Agreement Convention Protocol Resolution Law Bill Amendment Doctrine "
    "Plan Initiative War Wars Games Olympics Cup Championship Championships Festival Awards Award Prize "
    "Election Elections Crisis Revolution Campaign Operation Day Index Composite Average".split()
)

# an organised armed or political group rather than an organisation
GROUP_WORDS = frozenset(
    "Movement Front Brigade Brigades Militia Militias Rebels Insurgents Guerrillas Liberation Jihad "
    "Mujahideen Resistance Partisans Cartel Gang Mafia Clan Tribe Faction Separatists".split()
)
# a name ending with one of these is an administrative area ("Essex County", "Kherson Oblast")
REGION_WORDS = frozenset(
    "County Province District Region Oblast Krai Prefecture Governorate Municipality Township Borough "
    "Parish Canton Territory Territories".split()
)
MALE_TITLES = frozenset("Mr Mr. Sir Lord King Prince Duke Baron Count Emperor Sultan Sheikh Father Brother".split())
FEMALE_TITLES = frozenset("Mrs Mrs. Ms Ms. Miss Madam Dame Lady Queen Princess Duchess Baroness Countess "
                          "Empress Sister".split())
