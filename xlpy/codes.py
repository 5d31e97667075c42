"""Every code a finding can have: its severity and its message templates in Danish and English, as data.

findings.py builds the registry from this table. A template names its parameters in braces ({reason}); a finding
gives them (tests/test_rules.py checks that every template names only parameters some finding gives). Codes are
stable: JSON output and users' filters carry them.
"""

ERROR, WARNING, INFO = "fejl", "advarsel", "info"  # Severity's values

CODES: tuple[tuple[str, str, str, str], ...] = (
    # --- files and sheets -------------------------------------------------------------------------------------------
    ("file-not-found", ERROR, "Filen findes ikke.", "The file does not exist."),
    ("file-unreadable", ERROR, "Filen kan ikke læses: {reason}.", "The file cannot be read: {reason}."),
    ("file-empty", ERROR, "Filen er tom (0 byte).", "The file is empty (0 bytes)."),
    ("format-not-supported", ERROR,
     "Formatet understøttes ikke ({detail}). Gem filen som Excel-projektmappe (.xlsx).",
     "The format is not supported ({detail}). Save the file as an Excel workbook (.xlsx)."),
    ("file-encrypted", ERROR,
     "Filen er beskyttet med adgangskode og kan ikke læses. Gem en kopi uden adgangskode.",
     "The file is password-protected and cannot be read. Save a copy without a password."),
    ("extension-mismatch", WARNING,
     "Filen hedder .{extension}, men er en {actual}-fil. Den læses som {actual}.",
     "The file is named .{extension} but is a {actual} file. It is read as {actual}."),
    ("no-case-sheet", WARNING,
     "Projektmappen har intet caseark (intet ark med en årstabel med Engangsinvestering, Gevinst osv.).",
     "The workbook has no case sheet (no sheet with a year table of Engangsinvestering, Gevinst etc.)."),
    ("sheet-unreadable", ERROR, "Arket kan ikke læses: {reason}.", "The sheet cannot be read: {reason}."),
    ("sheet-hidden", INFO, "Casearket er skjult, men læses med.", "The case sheet is hidden but is read."),
    ("not-a-file", ERROR,
     "Stien er ikke en fil, men {kind}; den springes over.",
     "The path is not a file but {kind}; it is skipped."),
    ("link-broken", ERROR,
     "Stien er et symbolsk link, der ikke fører til en fil ({reason}); den springes over.",
     "The path is a symbolic link that does not lead to a file ({reason}); it is skipped."),
    ("file-too-large", ERROR,
     "Filen er for stor til at blive læst sikkert ({size}; grænsen er {limit}). Den springes over.",
     "The file is too large to be read safely ({size}; the limit is {limit}). It is skipped."),
    ("zip-suspicious", ERROR,
     "Filen er pakket på en måde, som en regnearksfil aldrig er ({detail}); den kan være en zip-bombe og "
     "læses ikke.",
     "The file is packed the way no spreadsheet file is ({detail}); it may be a zip bomb and is not read."),
    ("xml-unsafe", ERROR,
     "Filen indeholder XML med en DTD eller egne entiteter (i {part}); den læses ikke af sikkerhedshensyn.",
     "The file holds XML with a DTD or its own entities (in {part}); it is not read, for safety."),
    ("sheet-too-large", ERROR,
     "Arket er for stort til at blive læst ({rows} rækker × {cols} kolonner; grænsen er {max_rows} rækker og "
     "{max_cells} celler). Arket springes over.",
     "The sheet is too large to be read ({rows} rows × {cols} columns; the limit is {max_rows} rows and "
     "{max_cells} cells). The sheet is skipped."),
    ("book-too-large", ERROR,
     "Projektmappens ark har tilsammen flere celler, end der kan læses sikkert (grænsen er {max_cells} celler "
     "i alt). Dette ark springes over.",
     "The workbook's sheets together hold more cells than can be read safely (the limit is {max_cells} cells "
     "in all). This sheet is skipped."),
    ("sheet-name-duplicate", ERROR,
     "Arknavnet er det samme som »{other}«, når der ses bort fra store og små bogstaver og mellemrum; Excel "
     "tillader det ikke. Begge ark læses.",
     "The sheet name is the same as \u00bb{other}\u00ab when case and spaces are ignored; Excel does not allow "
     "that. Both sheets are read."),
    ("sheet-not-worksheet", INFO,
     "Arket er et {kind} og læses ikke.",
     "The sheet is a {kind} and is not read."),
    ("formula-external", WARNING,
     "Cellen har en formel, der peger uden for projektmappen (»{formula}«). Formlen køres ikke; kun den "
     "gemte værdi læses.",
     "The cell holds a formula that points outside the workbook (\u00bb{formula}\u00ab). It is not run; only "
     "its stored value is read."),
    ("format-old", INFO,
     "Filen er i det gamle .xls-format. Den læses, men gem den som .xlsx (xlpy kan ikke markere fejl i den).",
     "The file is in the old .xls format. It is read, but save it as .xlsx (xlpy cannot mark findings in it)."),
    ("lock-file-skipped", INFO,
     "Excels låsefil (~$) springes over; projektmappen er åben i Excel hos en anden.",
     "Excel's lock file (~$) is skipped; the workbook is open in Excel somewhere."),

    # --- the case sheet's structure ---------------------------------------------------------------------------------
    ("table-incomplete", ERROR,
     "Årstabellen er ufuldstændig: rækken \u00bb{row}\u00ab mangler.",
     "The year table is incomplete: the row \u00bb{row}\u00ab is missing."),
    ("years-missing", ERROR,
     "Årstabellen har ingen årstal i overskriftsrækken.",
     "The year table has no years in its header row."),
    ("years-not-consecutive", ERROR,
     "Årene i tabellen er ikke fortløbende: {after} efterfølges af {year}.",
     "The years in the table are not consecutive: {after} is followed by {year}."),
    ("year-column-empty", WARNING,
     "Kolonnen for {year} er tom; året regnes som 0.",
     "The column for {year} is empty; the year counts as 0."),
    ("row-ignored", INFO,
     "Rækken \u00bb{label}\u00ab i årstabellen kendes ikke og indgår ikke i beregningen.",
     "The row \u00bb{label}\u00ab in the year table is not known and is left out of the computation."),
    ("label-duplicate", WARNING,
     "Feltet \u00bb{label}\u00ab står flere gange; værdien i {first} bruges.",
     "The field \u00bb{label}\u00ab appears more than once; the value in {first} is used."),

    # --- metadata ---------------------------------------------------------------------------------------------------
    ("missing-field", ERROR, "Feltet \u00bb{label}\u00ab skal udfyldes.", "The field \u00bb{label}\u00ab is required."),
    ("not-in-list", ERROR,
     "\u00bb{value}\u00ab er ikke en tilladt værdi for {label}. Tilladt: {allowed}.",
     "\u00bb{value}\u00ab is not an allowed value for {label}. Allowed: {allowed}."),
    ("realisability-invalid", ERROR,
     "Realiserbarhed skal være 1, 1,5, 2, 2,5 eller 3; her står \u00bb{value}\u00ab.",
     "Realisability must be 1, 1.5, 2, 2.5 or 3; the cell holds \u00bb{value}\u00ab."),
    ("period-invalid", ERROR,
     "Perioden \u00bb{value}\u00ab kan ikke læses; skriv den som fx 2021–2026.",
     "The period \u00bb{value}\u00ab cannot be read; write it as e.g. 2021–2026."),
    ("period-mismatch", ERROR,
     "Perioden {period} passer ikke med årene i tabellen ({first}–{last}).",
     "The period {period} does not match the years in the table ({first}–{last})."),
    ("unit-missing", WARNING,
     "Enheden er ikke angivet; beløbene læses som 1.000 kr.",
     "The unit is not given; amounts are read as 1.000 kr."),
    ("unit-unknown", ERROR,
     "Enheden \u00bb{value}\u00ab kendes ikke (brug kr., 1.000 kr. eller mio. kr.); beløbene læses som 1.000 kr.",
     "The unit \u00bb{value}\u00ab is not known (use kr., 1.000 kr. or mio. kr.); amounts are read as 1.000 kr."),

    # --- amounts ----------------------------------------------------------------------------------------------------
    ("number-as-text", WARNING,
     "Tallet er gemt som tekst: \u00bb{raw}\u00ab læses som {value}. Excels SUM springer tekst over, så arkets "
     "egne summer kan vise mindre. Indtast det som et tal.",
     "The number is stored as text: \u00bb{raw}\u00ab is read as {value}. Excel's SUM skips text, so the sheet's "
     "own totals may show less. Enter it as a number."),
    ("number-ambiguous", ERROR,
     "\u00bb{raw}\u00ab kan læses både som {value} (dansk) og {other} (engelsk); {value} bruges. Indtast tallet som et tal.",
     "\u00bb{raw}\u00ab can be read as {value} (Danish) or {other} (English); {value} is used. Enter it as a number."),
    ("dash-as-zero", INFO,
     "\u00bb{raw}\u00ab læses som 0. Skriv 0 i stedet.",
     "\u00bb{raw}\u00ab is read as 0. Enter 0 instead."),
    ("range-not-number", ERROR,
     "Cellen indeholder et interval (\u00bb{raw}\u00ab), men der skal stå ét tal. Skriv basisværdien i cellen og "
     "intervallet i rækkerne for lavt og højt skøn (fx \u00bbGevinst (lav)\u00ab og \u00bbGevinst (høj)\u00ab) under "
     "tabellen. Casen beregnes uden denne værdi.",
     "The cell holds a range (\u00bb{raw}\u00ab) where one number is needed. Put the base value in the cell and the "
     "range in the low and high rows (e.g. \u00bbGevinst (lav)\u00ab and \u00bbGevinst (høj)\u00ab) under the table. "
     "The case is computed without it."),
    ("text-in-number", ERROR,
     "Der står tekst (\u00bb{raw}\u00ab) hvor der skal stå et beløb. Casen beregnes uden denne værdi.",
     "The cell holds text (\u00bb{raw}\u00ab) where an amount is needed. The case is computed without it."),
    ("formula-no-value", ERROR,
     "Cellen har en formel, som intet regneark har beregnet (ingen gemt værdi), så beløbet kendes ikke. Casen "
     "beregnes uden denne værdi. Åbn og gem filen i Excel.",
     "The cell holds a formula no spreadsheet program has calculated (no stored value), so the amount is not "
     "known. The case is computed without it. Open and save the file in Excel."),
    ("wrong-type-in-number", ERROR,
     "Der står {kind} hvor der skal stå et beløb. Casen beregnes uden denne værdi.",
     "The cell holds {kind} where an amount is needed. The case is computed without it."),
    ("negative-amount", ERROR,
     "{label} skal angives som et positivt beløb; her står {value}.",
     "{label} must be entered as a positive amount; the cell holds {value}."),

    # --- computed rows ----------------------------------------------------------------------------------------------
    ("computed-rounding", WARNING,
     "{label} {year}: der står {shown}, men {expected} giver {computed} (afrundingsforskel).",
     "{label} {year}: the sheet shows {shown}, but {expected} gives {computed} (rounding difference)."),
    ("computed-mismatch", ERROR,
     "{label} {year}: der står {shown}, men {expected} giver {computed}.",
     "{label} {year}: the sheet shows {shown}, but {expected} gives {computed}."),
    ("net-sign-inverted", ERROR,
     "{label} har omvendt fortegn: rækken er investering − gevinst, men skal være gevinst − investering "
     "(fx {year}: der står {shown}, skal være {computed}).",
     "{label} has its sign inverted: the row is investment − saving but must be saving − investment "
     "(e.g. {year}: the sheet shows {shown}, should be {computed})."),
    ("cumulative-mismatch", ERROR,
     "{label} {year}: der står {shown}, men den løbende sum af nettoresultatet giver {computed}.",
     "{label} {year}: the sheet shows {shown}, but the running sum of the net result gives {computed}."),
    ("cumulative-includes-uncounted", ERROR,
     "{label} medregner »{gain}«, som casens nettoresultat ikke medregner (fx {year}: der står {shown}, "
     "skal være {computed}).",
     "{label} includes »{gain}«, which the case's net result leaves out (e.g. {year}: the sheet shows {shown}, "
     "should be {computed})."),
    ("no-yearly-figures", INFO,
     "Casen har ingen årlige beløb; den tælles med, men indgår ikke i summerne.",
     "The case has no yearly amounts; it is counted but not included in the sums."),

    # --- how a department typed its table (DESIGN §3 "Every amount is accounted for") ------------------------------
    ("subrow-exceeds-parent", ERROR,
     "{label} {year}: underrækken er {shown}, men »{parent}« er kun {parent_value}; en »heraf«-række kan ikke "
     "være større end rækken over den.",
     "{label} {year}: the sub-row is {shown}, but \u00bb{parent}\u00ab is only {parent_value}; a \"heraf\" row "
     "cannot be larger than the row above it."),
    ("row-read-as-subrow", INFO,
     "Rækken »{label}« læses som en underrække af »{parent}« og lægges ikke til, fordi arkets egne totaler "
     "kun stemmer uden den.",
     "The row \u00bb{label}\u00ab is read as a sub-row of \u00bb{parent}\u00ab and is not added, because the "
     "sheet's own totals agree only without it."),
    ("row-assumed", WARNING,
     "Rækken »{label}« kendes ikke; den medregnes som {kind}, fordi den står blandt disse rækker. Arket har "
     "ingen total, der bekræfter det; omdøb rækken eller tilføj en total.",
     "The row \u00bb{label}\u00ab is not known; it is counted as {kind} because it stands among those rows. The "
     "sheet has no total that confirms it; rename the row or add a total."),
    ("row-uncertain", ERROR,
     "Rækken »{label}« kan ikke læses med sikkerhed: arkets totaler stemmer hverken, når den medregnes som "
     "{kind}, eller når den udelades. Casen er ufuldstændig.",
     "The row \u00bb{label}\u00ab cannot be read with confidence: the sheet's totals agree neither when it is "
     "counted as {kind} nor when it is left out. The case is incomplete."),
    ("row-unplaced", ERROR,
     "Rækken »{label}« har beløb, men det kan ikke ses, om den er en investering, en gevinst eller en underrække; "
     "den indgår ikke, og casen er ufuldstændig. Giv rækken et af de kendte navne (fx Engangsinvestering, "
     "Gevinst, Heraf …).",
     "The row \u00bb{label}\u00ab holds amounts, but it cannot be told whether it is an investment, a gain or a "
     "sub-row; it is left out and the case is incomplete. Give the row one of the known names (e.g. "
     "Engangsinvestering, Gevinst, Heraf …)."),
    ("row-not-amount", INFO,
     "Rækken »{label}« er ikke et beløb i kroner (fx årsværk eller antal) og indgår ikke i beregningen.",
     "The row \u00bb{label}\u00ab is not an amount in kroner (e.g. full-time equivalents or a count) and is "
     "left out of the computation."),
    ("number-as-text-row", WARNING,
     "Rækken »{label}« har {count} tal gemt som tekst (fx »{raw}« → {value}); de læses som tal. Excels SUM "
     "springer tekst over, så arkets egne summer kan vise mindre. Indtast dem som tal.",
     "The row \u00bb{label}\u00ab has {count} numbers stored as text (e.g. \u00bb{raw}\u00ab → {value}); they are "
     "read as numbers. Excel's SUM skips text, so the sheet's own totals may show less. Enter them as numbers."),
    ("error-value", ERROR,
     "Cellen viser fejlværdien {value}, så beløbet kendes ikke. Casen beregnes uden denne værdi.",
     "The cell shows the error value {value}, so the amount is not known. The case is computed without it."),
    ("total-column-mismatch", ERROR,
     "{label}: kolonnen »I alt« viser {shown}, men årene giver {computed}.",
     "{label}: the \"I alt\" column shows {shown}, but the years give {computed}."),
    ("unit-conflict", ERROR,
     "Enheden står forskelligt to steder: »{first}« ({first_cell}) og »{second}« ({second_cell}). Beløbene "
     "læses som {used}, men casen er ufuldstændig, til enheden er rettet.",
     "The unit is stated differently in two places: \u00bb{first}\u00ab ({first_cell}) and \u00bb{second}\u00ab "
     "({second_cell}). Amounts are read as {used}, but the case is incomplete until the unit is corrected."),
    ("unit-implausible", WARNING,
     "Beløbene ser ud til at stå i en anden enhed: med {unit} er casens største årlige beløb {amount} kr. "
     "Passer {suggested} bedre?",
     "The amounts look like another unit: in {unit} the case's largest yearly amount is {amount} kr. Is "
     "{suggested} what was meant?"),
    ("sign-budget-convention", WARNING,
     "Arket bruger budgettets fortegn (gevinster med minus, udgifter med plus). Gevinsterne læses med modsat "
     "fortegn, så en besparelse regnes positiv.",
     "The sheet uses the budget sign convention (gains with minus, costs with plus). The gains are read with "
     "the opposite sign, so a saving counts as positive."),
    ("sign-mixed", ERROR,
     "Fortegnene er blandede: {count} beløb er negative ({cells}), men ikke efter budgettets fortegn (alle "
     "gevinster negative, alle udgifter positive). Skriv alle beløb som positive. Casen er ufuldstændig.",
     "The signs are mixed: {count} amounts are negative ({cells}), but not in the budget sign convention (all "
     "gains negative, all costs positive). Enter every amount as positive. The case is incomplete."),
    ("sheet-overview", INFO,
     "Arket summerer de andre cases ({count}) og er ikke selv en case; det tælles ikke med.",
     "The sheet sums the other cases ({count}) and is not a case itself; it is not counted."),
    ("sheet-template-blank", INFO,
     "Arket er en tom kopi af skabelonen (intet Case nr., ingen titel, ingen beløb) og tælles ikke med.",
     "The sheet is a blank copy of the template (no Case nr., no title, no amounts) and is not counted."),
    ("sheet-not-case", INFO,
     "Arket »{name}« har intet Case nr. og hedder som et overblik; det læses som et overblik over casene, "
     "ikke som en case, og tælles ikke med. Er det en case, så giv det et Case nr.",
     "The sheet \u00bb{name}\u00ab has no Case nr. and is named like an overview; it is read as an overview of "
     "the cases, not as a case, and is not counted. If it is a case, give it a Case nr."),
    ("table-not-found", ERROR,
     "Arket har casen \u00bb{case}\u00ab, men ingen årstabel, der kan læses: en række med årstal over rækker som "
     "Engangsinvestering, Driftsudgifter og Gevinst. Casen er ikke talt med. Skriv årstallene (2026, B2026, …) i "
     "rækken over tabellen, og intet andet tal i den række.",
     "The sheet holds the case \u00bb{case}\u00ab but no year table that can be read: a row of years above rows "
     "such as Engangsinvestering, Driftsudgifter and Gevinst. The case is not counted. Put the years (2026, B2026, …) "
     "in the row above the table, and no other number in that row."),
    ("tables-unclear", ERROR,
     "Arket har {count} årstabeller, som ikke kan fordeles på cases (hver case skal have sit eget Case nr. over "
     "eller ved siden af sin tabel). Arket læses ikke.",
     "The sheet has {count} year tables that cannot be assigned to cases (each case needs its own Case nr. "
     "above or beside its table). The sheet is not read."),
    ("case-abandoned", INFO,
     "Casen har status Opgivet; den vises i Overblik, men indgår ikke i summerne.",
     "The case has status Opgivet (abandoned); it is listed in Overblik but left out of the totals."),

    # --- the stress tests' settings (the Forudsætninger sheet) --------------------------------------------------------
    ("assumption-invalid", WARNING,
     "\u00bb{value}\u00ab ud for \u00bb{label}\u00ab kan ikke bruges som forudsætning for stresstestene (gevinster "
     "forsinket: 1–10 år; gevinster realiseret: over 0 og højst 100 %; investeringer over: 0–500 %; "
     "kalkulationsrente ±: 0–5 procentpoint). Standardværdien (eller kommandolinjens) bruges.",
     "\u00bb{value}\u00ab next to \u00bb{label}\u00ab cannot be used as a setting of the stress tests (gains late: "
     "1–10 years; gains realised: above 0 and at most 100 %; investments over: 0–500 %; discount rate ±: 0–5 "
     "percentage points). The default (or the command line's) is used."),

    # --- three-point estimates (companion rows "(lav)" / "(høj)") -----------------------------------------------------
    ("companion-without-base", ERROR,
     "Rækken \u00bb{label}\u00ab er et lavt eller højt skøn, men tabellen har ingen inputrække \u00bb{base}\u00ab, som "
     "skønnet hører til. Giv rækken samme navn som en række i tabellen.",
     "The row \u00bb{label}\u00ab is a low or high estimate, but the table has no input row \u00bb{base}\u00ab for it "
     "to belong to. Give the row the same name as a row in the table."),
    ("companion-low-above-base", ERROR,
     "Det lave skøn for {year} ({value}) er større end basisværdien i \u00bb{base}\u00ab ({base_value}). Der skal "
     "gælde lav \u2264 basis \u2264 høj.",
     "The low estimate for {year} ({value}) is larger than the base value in \u00bb{base}\u00ab ({base_value}). "
     "Low \u2264 base \u2264 high must hold."),
    ("companion-high-below-base", ERROR,
     "Det høje skøn for {year} ({value}) er mindre end basisværdien i \u00bb{base}\u00ab ({base_value}). Der skal "
     "gælde lav \u2264 basis \u2264 høj.",
     "The high estimate for {year} ({value}) is smaller than the base value in \u00bb{base}\u00ab ({base_value}). "
     "Low \u2264 base \u2264 high must hold."),

    # --- follow-up (realised figures) --------------------------------------------------------------------------------
    ("realised-after-follow-up-year", WARNING,
     "Der står realiserede tal for {year}, efter opfølgningsåret {follow_up_year}; de indgår ikke i opfølgningen.",
     "Realised figures are entered for {year}, after the follow-up year {follow_up_year}; they are not part of "
     "the follow-up."),
    ("realised-without-expected", INFO,
     "Der står en realiseret gevinst for {year}, men casen forventede ingen gevinst det år.",
     "A realised gain is entered for {year}, but the case expected no gain that year."),
    ("follow-up-missing", WARNING,
     "Casen har status {status}, og dens første gevinstår ({year}) er passeret, men der står ingen realiserede "
     "tal (mangler opfølgning). Udfyld rækkerne Realiseret investering og Realiseret gevinst.",
     "The case has status {status} and its first gain year ({year}) has passed, but no realised figures are "
     "entered (follow-up missing). Fill in the rows Realiseret investering and Realiseret gevinst."),
    ("follow-up-red-without-reason", WARNING,
     "Casen har realiseret {rate} af den forventede gevinst til og med {year} (rødt lys), men der står ingen "
     "Forklaring på afvigelse.",
     "The case has realised {rate} of the expected gain up to and including {year} (red light), but no "
     "Forklaring på afvigelse (reason for the deviation) is given."),
    ("follow-up-year-invalid", WARNING,
     "Opfølgningsåret »{value}« er ikke et af tabellens år ({first}–{last}); det sidste år med realiserede tal "
     "bruges.",
     "The follow-up year \u00bb{value}\u00ab is not one of the table's years ({first}–{last}); the last year with "
     "realised figures is used."),

    # --- across cases -----------------------------------------------------------------------------------------------
    ("duplicate-case-nr", ERROR,
     "Case nr. {case_nr} findes også i {other}.",
     "Case nr. {case_nr} also appears in {other}."),

    ("duplicate-case", ERROR,
     "Samme case (samme titel og tabel) findes også i {other}.",
     "The same case (same title and table) also appears in {other}."),
    ("file-not-collected", WARNING,
     "Filen er en .{extension}-fil og læses ikke fra mappen; kun projektmapper læses ({collected}). Gem den "
     "som .xlsx.",
     "The file is a .{extension} file and is not read from the folder; only workbooks are read ({collected}). "
     "Save it as .xlsx."),
    ("no-workbooks", ERROR,
     "Der er ingen projektmapper ({collected}) i {path}.",
     "There are no workbooks ({collected}) in {path}."),

    # --- writing ----------------------------------------------------------------------------------------------------
    ("mark-not-possible", ERROR,
     "Markeringer kan ikke skrives i denne fil: {reason}. Filen er ikke ændret.",
     "Marks cannot be written into this file: {reason}. The file is unchanged."),
    ("in-place-not-possible", ERROR,
     "xlpys ark kan ikke skrives i denne fil: {reason}. Filen er ikke ændret.",
     "xlpy's sheets cannot be written into this file: {reason}. The file is unchanged."),
    ("sheet-name-taken", ERROR,
     "Projektmappen har allerede et ark »{name}«, som xlpy ikke har lavet, og xlpy erstatter kun sine egne ark. "
     "Omdøb arket (eller flyt det til en anden projektmappe) og kør igen. Intet er skrevet i filen.",
     "The workbook already has a sheet »{name}« that xlpy did not make, and xlpy replaces only its own sheets. "
     "Rename that sheet (or move it to another workbook) and run again. Nothing was written to the file."),
)
