#pragma once
// Word lists of the catalog generator (catalog_seed.cpp only): names by culture, publishers, and per
// family of genres the vocabulary and templates of titles, subtitles and descriptions.
//
// Templates: {x} is replaced by a random entry of list x, capitalised word by word when the letter is
// upper case ({N} "Silent Garden", {n} "silent garden"); proper nouns are stored capitalised. Letters:
//   a adjective   n noun   m abstract noun   p place   t topic   g tool or language   (the family's lists)
//   f first name  l last name  c city  k number word  s season or month  y year     (shared)
#include <array>
#include <string_view>

namespace bookstore::catalog::seed_words {

using L = std::string_view;

// --- names, by culture ------------------------------------------------------------------------------
// Accents are kept as written; the database folds them (catalog_fold) for uniqueness and search.
struct Culture {
  std::string_view name;
  int weight;                 // share of authors
  std::string_view language;  // the language a book by such an author is sometimes written in
  const L* first;
  std::size_t first_count;
  const L* last;
  std::size_t last_count;
};

inline constexpr L kEnglishFirst[] = {
    "James",   "Mary",      "John",     "Patricia",  "Robert",  "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David",    "Susan",     "Richard", "Jessica",  "Thomas",  "Sarah",
    "Charles", "Karen",     "Daniel",   "Emily",     "Matthew", "Hannah",   "Anthony", "Olivia",
    "Mark",    "Grace",     "Paul",     "Charlotte", "Andrew",  "Amelia",   "Joshua",  "Lucy",
    "George",  "Alice",     "Edward",   "Harriet",   "Henry",   "Eleanor",  "Oliver",  "Rose",
    "Samuel",  "Catherine", "Benjamin", "Margaret",  "Peter",   "Victoria", "Nathan",  "Abigail",
    "Simon",   "Rebecca",   "Jack",     "Imogen",    "Arthur",  "Beatrice"};
inline constexpr L kEnglishLast[] = {
    "Smith",    "Johnson",   "Williams", "Brown",    "Jones",    "Miller",    "Davis",    "Wilson",
    "Anderson", "Taylor",    "Thomas",   "Moore",    "Martin",   "Jackson",   "Thompson", "White",
    "Harris",   "Clark",     "Lewis",    "Robinson", "Walker",   "Young",     "Allen",    "King",
    "Wright",   "Scott",     "Green",    "Baker",    "Adams",    "Nelson",    "Hill",     "Campbell",
    "Mitchell", "Roberts",   "Carter",   "Phillips", "Evans",    "Turner",    "Parker",   "Collins",
    "Edwards",  "Stewart",   "Morris",   "Murphy",   "Cook",     "Rogers",    "Morgan",   "Cooper",
    "Peterson", "Bailey",    "Reed",     "Kelly",    "Howard",   "Cox",       "Ward",     "Richardson",
    "Watson",   "Brooks",    "Wood",     "Bennett",  "Gray",     "Hughes",    "Price",    "Sanders",
    "Myers",    "Long",      "Ross",     "Foster",   "Fletcher", "Hawthorne", "Ashworth", "Blackwood",
    "Whitaker", "Pemberton", "Thornton", "Harlow",   "Lockwood", "Sinclair",  "Marlowe",  "Aldridge"};

inline constexpr L kIrishFirst[] = {"Aoife",   "Siobhán", "Niamh", "Seán",  "Ciarán",  "Eoin",    "Róisín",
                                    "Orla",    "Declan",  "Fionn", "Máire", "Pádraig", "Caoimhe", "Ruairí",
                                    "Aisling", "Colm",    "Éabha", "Oisín", "Brendan", "Deirdre"};
inline constexpr L kIrishLast[] = {"O'Brien",  "Murphy",   "Kelly",          "O'Sullivan", "Walsh",
                                   "O'Connor", "McCarthy", "Gallagher",      "Doherty",    "Kennedy",
                                   "Lynch",    "Quinn",    "Ó Súilleabháin", "Nic Giolla", "Fitzgerald",
                                   "Byrne",    "Brennan",  "Keane",          "McLaughlin", "Donnelly",
                                   "MacLeod",  "Campbell", "Fraser",         "Sutherland"};

inline constexpr L kSpanishFirst[] = {
    "José",   "María",  "Lucía",   "Sofía",  "Carmen",   "Javier",  "Alejandro", "Pablo",    "Íñigo",
    "Óscar",  "Ramón",  "Raúl",    "Inés",   "Elena",    "Isabel",  "Diego",     "Mateo",    "Valentina",
    "Camila", "Andrés", "Martín",  "Ángela", "Tomás",    "Beatriz", "Joaquín",   "Pilar",    "Gonzalo",
    "Ximena", "Rocío",  "Nicolás", "Julián", "Mercedes", "Agustín", "Florencia", "Santiago", "Lourdes"};
inline constexpr L kSpanishLast[] = {
    "García",  "Rodríguez", "Martínez",  "López",   "González", "Hernández", "Pérez",      "Sánchez",
    "Ramírez", "Torres",    "Flores",    "Rivera",  "Gómez",    "Díaz",      "Núñez",      "Jiménez",
    "Muñoz",   "Ibáñez",    "Fernández", "Moreno",  "Álvarez",  "Romero",    "Navarro",    "Domínguez",
    "Vázquez", "Castillo",  "Ortega",    "Delgado", "Castro",   "Ortiz",     "Rubio",      "Marín",
    "Sanz",    "Iglesias",  "Medina",    "Cortés",  "Garrido",  "Guzmán",    "Herrera",    "Peña",
    "Mendoza", "Aguilar",   "Vega",      "Cabrera", "Carrasco", "Quiroga",   "Echeverría", "Zúñiga"};

inline constexpr L kFrenchFirst[] = {
    "Chloé",  "Zoë",      "Agnès",    "Hélène",   "Élodie",   "Françoise", "Benoît", "Jérôme",   "François",
    "Gaël",   "Loïc",     "Noémie",   "Léa",      "Renée",    "Camille",   "Julien", "Mathilde", "Étienne",
    "Sylvie", "Amélie",   "Thibault", "Margaux",  "Aurélien", "Céline",    "Marc",   "Océane",   "Rémi",
    "Solène", "Timothée", "Anaïs",    "Bérénice", "Clément",  "Josèphe",   "Gérard", "Maëlle",   "Hervé"};
inline constexpr L kFrenchLast[] = {
    "Martin",   "Bernard",    "Dubois",   "Thomas",   "Robert",  "Richard",  "Petit",    "Durand",
    "Leroy",    "Moreau",     "Simon",    "Laurent",  "Lefèvre", "Michel",   "Garnier",  "Faure",
    "Rousseau", "Blanc",      "Guérin",   "Muller",   "Henry",   "Roussel",  "Nicolas",  "Perrin",
    "Morin",    "Mathieu",    "Clément",  "Gauthier", "Dumont",  "Lopez",    "Fontaine", "Chevalier",
    "Robin",    "Masson",     "Sanchez",  "Gérard",   "Nguyen",  "Boyer",    "Denis",    "Lemaire",
    "Duval",    "Joly",       "Gaillard", "Barbier",  "Arnaud",  "Martinez", "Bérard",   "Delacroix",
    "Beaumont", "Desjardins", "Lévêque",  "Bonnefoy"};

inline constexpr L kGermanFirst[] = {
    "Lukas",      "Jürgen",     "Anna",      "Lena",      "Jonas",   "Felix",  "Katrin",    "Sabine",
    "Matthias",   "Ulrike",     "Björn",     "Jörg",      "Günter",  "Käthe",  "Ingrid",    "Wolfgang",
    "Friederike", "Maximilian", "Annika",    "Sebastian", "Mareike", "Tobias", "Henrike",   "Dieter",
    "Elke",       "Klaus",      "Franziska", "Moritz",    "Greta",   "Stefan", "Hannelore", "Uwe",
    "Brigitte",   "Rüdiger",    "Lotte",     "Konstantin"};
inline constexpr L kGermanLast[] = {
    "Müller",    "Schmidt",  "Schneider", "Fischer",    "Weber", "Meyer",   "Wagner",  "Becker",
    "Schulz",    "Hoffmann", "Schäfer",   "Koch",       "Bauer", "Richter", "Klein",   "Wolf",
    "Schröder",  "Neumann",  "Schwarz",   "Zimmermann", "Braun", "Krüger",  "Hofmann", "Hartmann",
    "Lange",     "Werner",   "Köhler",    "Jäger",      "Weiß",  "König",   "Krause",  "Vogel",
    "Lehmann",   "Schmitt",  "Huber",     "Kaiser",     "Fuchs", "Peters",  "Lang",    "Scholz",
    "Möller",    "Groß",     "Böhm",      "Lorenz",     "Frank", "Baumann", "Seidel",  "Brandt",
    "Ostermann", "Eichhorn", "Lindemann", "Falkenberg"};

inline constexpr L kItalianFirst[] = {
    "Giulia",   "Francesca", "Chiara",   "Alessandro", "Lorenzo",  "Matteo",    "Niccolò",  "Federica",
    "Giovanni", "Beatrice",  "Elisa",    "Luca",       "Marco",    "Paola",     "Raffaele", "Simona",
    "Tommaso",  "Valeria",   "Vittoria", "Emanuele",   "Caterina", "Salvatore", "Ilaria",   "Gabriele",
    "Lucrezia", "Donatella", "Fabrizio", "Ludovica",   "Riccardo", "Arianna"};
inline constexpr L kItalianLast[] = {
    "Rossi",      "Russo",    "Ferrari",  "Esposito", "Bianchi",   "Romano",    "Colombo",   "Ricci",
    "Marino",     "Greco",    "Bruno",    "Gallo",    "Conti",     "De Luca",   "Mancini",   "Costa",
    "Giordano",   "Rizzo",    "Lombardi", "Moretti",  "Barbieri",  "Fontana",   "Santoro",   "Mariani",
    "Rinaldi",    "Caruso",   "Ferrara",  "Galli",    "Martini",   "Leone",     "Longo",     "Gentile",
    "Martinelli", "Vitale",   "Serra",    "Coppola",  "De Santis", "D'Angelo",  "Marchetti", "Parisi",
    "Villa",      "Cattaneo", "Fabbri",   "Bellini",  "Sartori",   "Pellegrini"};

inline constexpr L kPortugueseFirst[] = {
    "João",    "Inês",    "Beatriz",   "Gonçalo",  "Tiago",  "Mariana", "Leonor",  "Rodrigo",   "Vitória",
    "Thiago",  "Luísa",   "Caio",      "Fernanda", "Rafael", "Larissa", "Gustavo", "Conceição", "Joaquim",
    "Antônio", "Letícia", "Sebastião", "Graça",    "Márcio", "Renata",  "Simão",   "Lúcia"};
inline constexpr L kPortugueseLast[] = {
    "Silva",   "Santos",    "Ferreira",  "Pereira",  "Oliveira", "Costa",     "Rodrigues", "Martins",
    "Sousa",   "Fernandes", "Gonçalves", "Gomes",    "Lopes",    "Marques",   "Alves",     "Almeida",
    "Ribeiro", "Pinto",     "Carvalho",  "Teixeira", "Moreira",  "Correia",   "Mendes",    "Nunes",
    "Soares",  "Vieira",    "Monteiro",  "Cardoso",  "Rocha",    "Magalhães", "Araújo",    "Barbosa",
    "Brandão", "Falcão",    "Assunção",  "Guimarães"};

inline constexpr L kNordicFirst[] = {
    "Søren", "Björk",  "Åsa",  "Øystein", "Astrid", "Sigrid", "Lars",   "Linnéa",  "Märta",    "Ingrid",
    "Freja", "Henrik", "Nils", "Signe",   "Mikael", "Liv",    "Ragnar", "Solveig", "Torbjørn", "Elin",
    "Jens",  "Kaisa",  "Eero", "Aino",    "Mette",  "Ólafur", "Guðrún", "Halldór", "Pernille", "Tove"};
inline constexpr L kNordicLast[] = {
    "Lindqvist", "Håkansson", "Sørensen", "Jørgensen", "Åberg",      "Björklund",  "Nyström",    "Ekström",
    "Andersson", "Johansson", "Karlsson", "Nilsson",   "Eriksson",   "Larsen",     "Hansen",     "Pedersen",
    "Nielsen",   "Berg",      "Haugen",   "Virtanen",  "Mäkinen",    "Korhonen",   "Lundgren",   "Sandberg",
    "Dahl",      "Strand",    "Holm",     "Engström",  "Østergaard", "Jónsdóttir", "Sigurðsson", "Halvorsen"};

inline constexpr L kIndianFirst[] = {
    "Aarav",   "Priya",   "Ananya",    "Arjun",   "Rohan",    "Kavya",    "Meera",    "Vikram",    "Ishaan",
    "Diya",    "Lakshmi", "Rahul",     "Sanjay",  "Nandini",  "Aditi",    "Karthik",  "Siddharth", "Pooja",
    "Neha",    "Anil",    "Sunita",    "Rajesh",  "Deepa",    "Harpreet", "Gurpreet", "Farhan",    "Zoya",
    "Tanvi",   "Rishi",   "Arundhati", "Vivek",   "Amitav",   "Jhumpa",   "Kiran",    "Shashi",    "Anita",
    "Ruskin",  "Sudha",   "Chetan",    "Manju",   "Raghav",   "Shreya",   "Aparna",   "Devika",    "Nikhil",
    "Padma",   "Suresh",  "Vandana",   "Yamini",  "Abhishek", "Swati",    "Imran",    "Ayesha",    "Sameer",
    "Lalitha", "Venkat",  "Gitanjali", "Parvati", "Tushar",   "Mohan"};
inline constexpr L kIndianLast[] = {
    "Sharma",    "Iyer",   "Reddy",       "Banerjee",     "Chatterjee", "Nair",      "Menon",
    "Patel",     "Gupta",  "Rao",         "Krishnan",     "Das",        "Mukherjee", "Singh",
    "Kaur",      "Khan",   "Verma",       "Joshi",        "Kulkarni",   "Deshpande", "Pillai",
    "Bose",      "Sen",    "Ghosh",       "Bhattacharya", "Agarwal",    "Mehta",     "Chopra",
    "Malhotra",  "Kapoor", "Saxena",      "Trivedi",      "Pandey",     "Mishra",    "Tiwari",
    "Chaudhary", "Naidu",  "Subramanian", "Venkataraman", "Hegde",      "Shetty",    "Kamath",
    "Desai",     "Shah",   "Bhatt",       "Dutta",        "Sarkar",     "Ahmed",     "Qureshi",
    "Siddiqui",  "Ansari", "Gill",        "Sandhu",       "Grewal",     "Thakur",    "Rathore",
    "Chandra",   "Raman",  "Swaminathan", "Kohli"};

inline constexpr L kJapaneseFirst[] = {
    "Haruki", "Yoko",   "Kenji", "Yuki",  "Aiko",   "Hiroshi", "Sakura", "Takeshi", "Mei",       "Ren",
    "Hana",   "Daichi", "Emi",   "Kazuo", "Banana", "Natsuki", "Sayaka", "Kōji",    "Ryūnosuke", "Shūsaku"};
inline constexpr L kJapaneseLast[] = {
    "Tanaka",  "Suzuki",  "Takahashi", "Watanabe", "Ito",       "Yamamoto", "Nakamura", "Kobayashi",
    "Kato",    "Yoshida", "Yamada",    "Sasaki",   "Matsumoto", "Inoue",    "Kimura",   "Hayashi",
    "Shimizu", "Mori",    "Ōta",       "Kawabata", "Murakami",  "Ishiguro", "Ogawa",    "Kirino"};

inline constexpr L kChineseFirst[] = {"Wei", "Fang", "Li",     "Min",    "Jing",   "Hao",    "Xiaoming",
                                      "Mei", "Yan",  "Lei",    "Ling",   "Chen",   "Zhiwei", "Xiu",
                                      "Jun", "Qing", "Yuxuan", "Haoran", "Ruolan", "Zihan"};
inline constexpr L kChineseLast[] = {"Wang", "Li",   "Zhang", "Liu", "Chen",  "Yang",  "Huang", "Zhao",
                                     "Wu",   "Zhou", "Xu",    "Sun", "Ma",    "Zhu",   "Hu",    "Guo",
                                     "He",   "Lin",  "Gao",   "Luo", "Zheng", "Liang", "Song",  "Tang"};

inline constexpr L kKoreanFirst[] = {"Min-jun",  "Seo-yeon", "Ji-woo",   "Ha-eun", "Do-yun", "Soo-ah",
                                     "Jae-hyun", "Eun-ji",   "Hyun-woo", "Yu-na",  "Han",    "Bo-young"};
inline constexpr L kKoreanLast[] = {"Kim",  "Lee", "Park", "Choi", "Jung", "Kang", "Cho",  "Yoon",
                                    "Jang", "Lim", "Shin", "Han",  "Oh",   "Seo",  "Kwon", "Hwang"};

inline constexpr L kRussianFirst[] = {"Anastasia",  "Dmitri",  "Natalia", "Sergei", "Olga",  "Ivan",
                                      "Yekaterina", "Mikhail", "Tatiana", "Alexei", "Irina", "Nikolai",
                                      "Svetlana",   "Andrei",  "Ludmila", "Yuri",   "Vera",  "Boris",
                                      "Ksenia",     "Pavel",   "Marina",  "Arkady"};
inline constexpr L kRussianLast[] = {
    "Ivanov", "Petrova",  "Smirnov", "Volkova",  "Kuznetsov", "Sokolova",  "Popov",    "Lebedeva",
    "Kozlov", "Novikova", "Morozov", "Pavlova",  "Orlov",     "Fedorova",  "Vasiliev", "Zaitseva",
    "Belov",  "Romanova", "Tarasov", "Sorokina", "Grigoriev", "Ulitskaya", "Dovlatov", "Zamyatin"};

inline constexpr L kPolishFirst[] = {"Łukasz",  "Małgorzata", "Agnieszka", "Katarzyna", "Piotr",  "Tomasz",
                                     "Zofia",   "Wojciech",   "Jakub",     "Magdalena", "Paweł",  "Joanna",
                                     "Vojtěch", "Tereza",     "Jiří",      "Kateřina",  "Ondřej", "Zuzana"};
inline constexpr L kPolishLast[] = {
    "Kowalski",  "Nowak",     "Wójcik",    "Zieliński", "Kamińska", "Lewandowski", "Szymańska", "Woźniak",
    "Dąbrowski", "Kozłowska", "Jankowski", "Mazur",     "Dvořák",   "Novák",       "Svoboda",   "Procházková",
    "Černý",     "Kučera",    "Veselá",    "Horáková",  "Němec",    "Pokorný"};

inline constexpr L kArabicFirst[] = {"Omar",   "Layla", "Youssef", "Fatima", "Karim",  "Nour",
                                     "Hassan", "Amira", "Tariq",   "Salma",  "Khalid", "Yasmin",
                                     "Rami",   "Leila", "Mahmoud", "Dalia",  "Samir",  "Hoda",
                                     "Elif",   "Emre",  "Zeynep",  "Orhan",  "Ayşe",   "Mehmet"};
inline constexpr L kArabicLast[] = {"Haddad", "Mansour", "Khalil", "Nasser",  "Saleh",   "Farouk",
                                    "Aziz",   "Hamdan",  "Rahman", "El-Amin", "Darwish", "Bishara",
                                    "Yılmaz", "Öztürk",  "Çelik",  "Şahin",   "Aydın",   "Kaya",
                                    "Demir",  "Pamuk",   "Shafak", "Mahfouz"};

inline constexpr L kAfricanFirst[] = {
    "Chinua", "Ngozi", "Chimamanda", "Wole",  "Adaeze", "Oluwaseun", "Kwame", "Ama",
    "Kofi",   "Abena", "Wanjiru",    "Njeri", "Tendai", "Thandiwe",  "Sipho", "Nomvula",
    "Yaa",    "Teju",  "Binyavanga", "Nnedi", "Tsitsi", "Ayọ̀bámi"};
inline constexpr L kAfricanLast[] = {"Okafor",  "Adeyemi", "Eze",      "Okonkwo",     "Mensah",   "Boateng",
                                     "Asante",  "Kamau",   "Odhiambo", "Mwangi",      "Ndlovu",   "Dlamini",
                                     "Mokoena", "Nkosi",   "Abubakar", "Obi",         "Achebe",   "Soyinka",
                                     "Adichie", "Ngũgĩ",   "Gyasi",    "Dangarembga", "Oyelaran", "Okorafor"};

inline constexpr Culture kCultures[] = {
    {"english", 30, "en", kEnglishFirst, std::size(kEnglishFirst), kEnglishLast, std::size(kEnglishLast)},
    {"irish", 3, "en", kIrishFirst, std::size(kIrishFirst), kIrishLast, std::size(kIrishLast)},
    {"indian", 16, "hi", kIndianFirst, std::size(kIndianFirst), kIndianLast, std::size(kIndianLast)},
    {"spanish", 9, "es", kSpanishFirst, std::size(kSpanishFirst), kSpanishLast, std::size(kSpanishLast)},
    {"french", 6, "fr", kFrenchFirst, std::size(kFrenchFirst), kFrenchLast, std::size(kFrenchLast)},
    {"german", 6, "de", kGermanFirst, std::size(kGermanFirst), kGermanLast, std::size(kGermanLast)},
    {"italian", 4, "it", kItalianFirst, std::size(kItalianFirst), kItalianLast, std::size(kItalianLast)},
    {"portuguese", 3, "pt", kPortugueseFirst, std::size(kPortugueseFirst), kPortugueseLast,
     std::size(kPortugueseLast)},
    {"nordic", 3, "en", kNordicFirst, std::size(kNordicFirst), kNordicLast, std::size(kNordicLast)},
    {"japanese", 4, "en", kJapaneseFirst, std::size(kJapaneseFirst), kJapaneseLast, std::size(kJapaneseLast)},
    {"chinese", 4, "en", kChineseFirst, std::size(kChineseFirst), kChineseLast, std::size(kChineseLast)},
    {"korean", 2, "en", kKoreanFirst, std::size(kKoreanFirst), kKoreanLast, std::size(kKoreanLast)},
    {"russian", 3, "en", kRussianFirst, std::size(kRussianFirst), kRussianLast, std::size(kRussianLast)},
    {"central-european", 2, "en", kPolishFirst, std::size(kPolishFirst), kPolishLast, std::size(kPolishLast)},
    {"arabic-turkish", 3, "en", kArabicFirst, std::size(kArabicFirst), kArabicLast, std::size(kArabicLast)},
    {"african", 4, "en", kAfricanFirst, std::size(kAfricanFirst), kAfricanLast, std::size(kAfricanLast)},
};

// Short author biographies: {F} is the author's full name, {c} a city, {t} a subject.
inline constexpr L kBios[] = {
    "{F} lives in {c} and writes about {t}.",
    "{F} was born in {c}. Their books have been translated into {k} languages.",
    "{F} grew up in {c}, studied literature and worked as a journalist before turning to books.",
    "{F} divides their time between {c} and the coast.",
    "{F} teaches creative writing in {c}.",
    "An award-winning writer, {F} has spent two decades writing about {t}.",
    "",
};

// --- publishers ---------------------------------------------------------------------------------------
inline constexpr L kPublisherWords[] = {
    "Harbour",    "Lantern",   "Meridian", "Juniper",  "Kestrel",  "Orchard",    "Quill",  "Saffron",
    "Tamarind",   "Banyan",    "Peacock",  "Lotus",    "Monsoon",  "Aurora",     "Beacon", "Cedar",
    "Falcon",     "Granite",   "Heron",    "Ivory",    "Jasmine",  "Lighthouse", "Maple",  "Nightingale",
    "Oak",        "Pelican",   "Raven",    "Sparrow",  "Thistle",  "Willow",     "Wren",   "Zephyr",
    "Compass",    "Anchor",    "Atlas",    "Bodhi",    "Chinar",   "Deccan",     "Ember",  "Fable",
    "Garnet",     "Indigo",    "Kite",     "Marigold", "Neem",     "Onyx",       "Pebble", "Riverbend",
    "Silverleaf", "Tidewater", "Umber",    "Vellum",   "Wayfarer", "Yarrow"};
inline constexpr L kPublisherForms[] = {
    "{W} Press",  "{W} Books",        "{W} House",      "{W} Publishing",       "{W} & {V}",
    "{L} & {M}",  "{W} Editions",     "{L} Press",      "{c} University Press", "{W} Tree Books",
    "{W} Media",  "Little {W} Books", "{W} Paperbacks", "{W} Classics",         "House of {W}",
    "{L} & Sons", "{W}{V} Publishers"};

// Cities, shared by every family.
inline constexpr L kCities[] = {
    "London",    "Paris",      "Mumbai",    "Kolkata",       "Delhi",        "Chennai",     "Bengaluru",
    "Lisbon",    "Madrid",     "Barcelona", "Berlin",        "Vienna",       "Prague",      "Rome",
    "Venice",    "Florence",   "Istanbul",  "Cairo",         "Lagos",        "Nairobi",     "Cape Town",
    "Tokyo",     "Kyoto",      "Shanghai",  "Seoul",         "Buenos Aires", "Mexico City", "Havana",
    "New York",  "Boston",     "Chicago",   "San Francisco", "Edinburgh",    "Dublin",      "Oslo",
    "Stockholm", "Copenhagen", "Reykjavík", "St Petersburg", "Moscow",       "Varanasi",    "Jaipur",
    "Lahore",    "Dhaka",      "Colombo",   "Kathmandu",     "Marrakesh",    "Montréal",    "Québec",
    "São Paulo", "Bogotá",     "Lima",      "Sydney",        "Wellington",   "Singapore",   "Hanoi"};
inline constexpr L kStreetSuffixes[] = {
    "Lane",  "Street", "Road",   "Manor", "Hall", "Cottage", "Gardens", "Square", "House", "Court", "Hill",
    "Place", "Mews",   "Grange", "Abbey", "Farm", "Bridge",  "Terrace", "Row",    "Nagar", "Bagh",  "Villa"};
inline constexpr L kNumbers[] = {"Two",    "Three",  "Four",  "Five",    "Seven",    "Nine",   "Ten",
                                 "Twelve", "Twenty", "Forty", "Hundred", "Thousand", "Eleven", "Six"};
inline constexpr L kSeasons[] = {"Summer",  "Winter",   "Spring",   "Autumn",   "Monsoon",
                                 "January", "March",    "April",    "June",     "August",
                                 "October", "November", "December", "Midsummer"};

// --- families of genres -------------------------------------------------------------------------------
struct Family {
  std::string_view name;
  const L* lists[6];  // a n m p t g
  std::size_t sizes[6];
  const L* titles;
  std::size_t title_count;
  const L* subtitles;
  std::size_t subtitle_count;
  const L* openers;  // first sentence of a description
  std::size_t opener_count;
  const L* middles;  // one or two of these follow
  std::size_t middle_count;
  const L* closers;  // sometimes the last sentence
  std::size_t closer_count;
};

#define BOOKSTORE_SEED_LIST(x) x, std::size(x)

// Literary fiction, classics, historical fiction, drama.
inline constexpr L kLitAdj[] = {"silent", "hidden",  "last",      "lost",      "little",    "distant",
                                "broken", "quiet",   "golden",    "secret",    "forgotten", "burning",
                                "wild",   "bright",  "gentle",    "salt",      "paper",     "long",
                                "narrow", "painted", "invisible", "scattered", "borrowed",  "unfinished",
                                "glass",  "crimson", "faded",     "restless"};
inline constexpr L kLitNoun[] = {
    "garden", "river",       "house",     "orchard", "daughter", "bridge",  "harbour",   "letter", "summer",
    "island", "window",      "mirror",    "lantern", "city",     "field",   "sister",    "shore",  "kingdom",
    "season", "inheritance", "map",       "valley",  "station",  "widow",   "tailor",    "weaver", "song",
    "boat",   "monsoon",     "courtyard", "well",    "railway",  "archive", "tea house", "veranda"};
inline constexpr L kLitAbstract[] = {
    "memory",       "grace",       "longing",       "silence",       "exile",  "belonging",
    "forgiveness",  "time",        "light",         "ash",           "rivers", "salt",
    "dust",         "rain",        "home",          "kindness",      "truth",  "desire",
    "small things", "lost causes", "borrowed time", "distant shores"};
inline constexpr L kLitPlace[] = {"Willow Lane",   "Marigold Street", "the Old Quarter", "Malabar Hill",
                                  "the Riverside", "Chowringhee",     "Rue des Lilas",   "Calle Mayor",
                                  "the Hills",     "Lamb's Conduit",  "Fort Kochi",      "the Ganges",
                                  "Harrow Road",   "Shimla",          "Darjeeling",      "Cornwall",
                                  "Andalusia",     "Provence",        "the Delta"};
inline constexpr L kLitTopic[] = {"family", "love and loss", "migration",     "memory",
                                  "grief",  "friendship",    "ambition",      "class",
                                  "faith",  "war and peace", "coming of age", "marriage"};
inline constexpr L kLitTitles[] = {"The {A} {N}",         "{M} and {M}",         "A {N} of {M} and {M}",
                                   "The {N} at {P}",      "The Last {N}",        "All the {A} {N}s",
                                   "{F}'s {N}",           "The {N}'s {N}",       "When the {N} Falls",
                                   "A {S} in {c}",        "The {A} {N} of {c}",  "Things We {N}",
                                   "The {N} of {M}",      "Between {M} and {M}", "What Remains of the {N}",
                                   "The {N} Keeper",      "{N}s of {P}",         "A {A} {N}",
                                   "The Year of the {N}", "The {S} {N}",         "Notes on {M}",
                                   "Where the {N} Ends",  "The {N} Maker's {N}", "Letters from {P}",
                                   "The {A} Hours",       "Under the {A} {N}",   "{A} {M}",
                                   "The {F} {L} Affair"};
inline constexpr L kLitSubtitles[] = {"A Novel",
                                      "A Novel",
                                      "A Novel",
                                      "Stories",
                                      "A Novel in {K} Parts",
                                      "A Family Saga",
                                      "Book One of the {N} Trilogy",
                                      "Collected Stories",
                                      "A Novella",
                                      "A Love Story"};
inline constexpr L kLitOpeners[] = {
    "In {c}, {f} {l} spends a {a} {s} caring for a {n} that no one else remembers.",
    "When {f} returns to {P} after twenty years, the {n} of her childhood has changed beyond recognition.",
    "A {a} novel about {t}, set between {c} and {c}.",
    "Three generations of the {L} family gather in {c} for one last {s}.",
    "{f} {l} has always believed that {m} can be kept in a {n}.",
    "Told in {k} voices, this is the story of a {n} on {P} and the people who pass through it.",
    "In the {s} of {y}, a {a} {n} arrives in {c} and changes everything.",
    "Spanning six decades, this {a} debut follows two sisters across {c}, {c} and {c}."};
inline constexpr L kLitMiddles[] = {
    "As secrets surface, {f} must decide what she owes the living and the dead.",
    "It is a story about {t}, about {m}, and about the small kindnesses that keep us alive.",
    "Written with warmth and humour, it moves from {a} comedy to quiet heartbreak.",
    "Between the {n} and the {n}, a friendship grows that neither of them expected.",
    "What begins as a search for a {a} {n} becomes a reckoning with {m}.",
    "The {L}s have never spoken about that {s}; now they will have to.",
    "Rich with the sounds and smells of {c}, the novel explores {t} and {t}."};
inline constexpr L kLitClosers[] = {
    "A luminous, unforgettable novel.", "A moving meditation on {m}.", "Shortlisted for the {L} Prize.",
    "The most talked-about debut of the year.", "A modern classic, now in a new edition."};

// Fantasy.
inline constexpr L kFanAdj[] = {"shattered", "iron",    "silver",   "hollow",   "burning",   "endless",
                                "cursed",    "sunken",  "shadowed", "winter",   "thorned",   "starless",
                                "ashen",     "crimson", "emerald",  "obsidian", "wandering", "nameless",
                                "sleeping",  "seventh", "dragon"};
inline constexpr L kFanNoun[] = {"crown",   "throne", "blade", "dragon",    "witch", "queen",    "king",
                                 "tower",   "forest", "sword", "oracle",    "storm", "kingdom",  "gate",
                                 "phoenix", "wolf",   "mage",  "citadel",   "rune",  "prophecy", "empire",
                                 "serpent", "hunter", "heir",  "sorceress", "raven", "moon",     "flame"};
inline constexpr L kFanAbstract[] = {"ash",   "rivers", "bone",   "shadow", "ember",  "stars", "smoke",
                                     "blood", "frost",  "thorns", "silver", "storms", "night", "glass",
                                     "song",  "ruin",   "dreams", "fire",   "iron",   "salt"};
inline constexpr L kFanPlace[] = {"Eldoria",
                                  "Vharos",
                                  "the Northern Reach",
                                  "Kaldris",
                                  "Mirrowmere",
                                  "Ashenvale",
                                  "the Sunken Isles",
                                  "Thornwood",
                                  "Valmora",
                                  "the Glass Sea",
                                  "Karesh",
                                  "Ithilmar",
                                  "Drakemoor",
                                  "the Shattered Coast",
                                  "Hollowfen",
                                  "Amaravati",
                                  "Lanka",
                                  "the Spice Roads",
                                  "Zerathis",
                                  "Solenne"};
inline constexpr L kFanTopic[] = {"a stolen crown",    "an ancient prophecy", "a war between gods",
                                  "forbidden magic",   "a dying empire",      "a dragon's oath",
                                  "a cursed bloodline"};
inline constexpr L kFanTitles[] = {"A Song of {M} and {M}",
                                   "The {A} {N}",
                                   "{N} of {M}",
                                   "The {N} of {P}",
                                   "Crown of {M}",
                                   "The {A} Throne",
                                   "{M} and {N}",
                                   "The {N}'s {N}",
                                   "Heir of {M}",
                                   "The {N} of the {A} {N}",
                                   "Children of {M}",
                                   "The Last {N} of {P}",
                                   "A Court of {M} and {M}",
                                   "The {A} Gate",
                                   "{N}born",
                                   "Daughter of the {N}",
                                   "The {N} Who Fell",
                                   "Rise of the {A} {N}",
                                   "The Wars of {P}",
                                   "Where {N}s Sleep"};
inline constexpr L kFanSubtitles[] = {"Book One of the {A} {N}",  "The {P} Chronicles, Book {K}",
                                      "A Novel of {P}",           "The {N} Cycle",
                                      "Book Two of the {N} Saga", "A {P} Novel",
                                      "The {A} Trilogy"};
inline constexpr L kFanOpeners[] = {
    "In the kingdom of {P}, magic has been forbidden for a thousand years.",
    "{f} was born with {m} in her veins, and the {N} Guard wants her dead.",
    "The {a} {n} has returned to {P}, and with it, {t}.",
    "When a {a} {n} is found in the ruins of {P}, an apprentice thief is drawn into {t}.",
    "Seven heirs. One {n}. And a prophecy written in {m}.",
    "For a hundred years the {n} of {P} has slept beneath the mountain."};
inline constexpr L kFanMiddles[] = {
    "To save her people, {f} must ally with the {a} {n} she swore to destroy.",
    "Hunted across the {a} wastes, they discover that the old gods were never gone.",
    "Now {f} and an exiled prince must cross {P} before the {s} moons rise.",
    "Betrayal waits at every turn, and the price of power is {m}.",
    "Magic has a cost, and {f} is about to learn how high it is.",
    "An epic of {m} and {m}, of loyalty and sacrifice."};
inline constexpr L kFanClosers[] = {"The first book in a sweeping epic fantasy series.",
                                    "Perfect for fans of dragons, court intrigue and slow-burn romance.",
                                    "A spellbinding adventure from a bold new voice in fantasy.",
                                    "The breathtaking conclusion to the {P} trilogy."};

// Science fiction.
inline constexpr L kSfAdj[] = {"quantum", "infinite", "dark",     "stellar",  "silent",
                               "hollow",  "red",      "last",     "orbital",  "synthetic",
                               "broken",  "distant",  "cold",     "electric", "artificial",
                               "final",   "lunar",    "parallel", "burning",  "deep"};
inline constexpr L kSfNoun[] = {"signal",   "station",   "colony",  "machine", "horizon", "protocol",
                                "frontier", "fleet",     "android", "drift",   "engine",  "archive",
                                "ship",     "algorithm", "outpost", "sun",     "orbit",   "singularity",
                                "clone",    "wormhole",  "network"};
inline constexpr L kSfAbstract[] = {"starlight", "entropy",  "silence", "gravity", "memory", "static",
                                    "tomorrow",  "the void", "light",   "time",    "dust",   "code"};
inline constexpr L kSfPlace[] = {"Mars",      "Europa",        "Titan",     "Proxima b", "Kepler-442",
                                 "the Belt",  "Ganymede",      "Tau Ceti",  "Ceres",     "New Bombay Orbital",
                                 "Luna City", "the Outer Rim", "Enceladus", "Trappist-1"};
inline constexpr L kSfTopic[] = {"first contact",   "artificial intelligence", "climate collapse",
                                 "time travel",     "a generation ship",       "a rogue AI",
                                 "interstellar war"};
inline constexpr L kSfTitles[] = {
    "The {N} Protocol", "{P} Rising",      "Beyond the {A} {N}", "Signal from {P}",   "The {K} {N}",
    "Echoes of {P}",    "The {A} {N}",     "{N} of {M}",         "The Last {N}",      "{A} {M}",
    "Children of {P}",  "The {N} Paradox", "After the {N}",      "The {N} Directive", "A Memory of {M}",
    "The {P} Incident", "Ghosts of {P}",   "{M} Engine"};
inline constexpr L kSfSubtitles[] = {"A Novel", "The {P} Sequence, Book {K}", "A Space Opera",
                                     "Book One of the {N} Wars", "Stories of Tomorrow"};
inline constexpr L kSfOpeners[] = {
    "In {y}, a {a} {n} picks up a message from {P}.",
    "The colony on {P} has been silent for {k} years.",
    "Captain {f} {l} wakes from cryosleep to find the {n} drifting far off course.",
    "Humanity's last hope is a {a} {n} and a crew who do not trust each other.",
    "When the {n} goes dark, engineer {f} {l} is the only one who knows why.",
    "Earth is dying. {P} is the only way out."};
inline constexpr L kSfMiddles[] = {
    "What they find there will force them to confront {t}.",
    "As the {n} fails, {f} must choose between the mission and the people she loves.",
    "A tense story of {t}, told with rigorous science and real heart.",
    "Somewhere between {P} and {P}, the truth is waiting.",
    "The {a} {n} remembers everything, and it is not on their side."};
inline constexpr L kSfClosers[] = {"Hard science fiction at its most thrilling.",
                                   "A mind-bending journey to the edge of the galaxy.",
                                   "Winner of the {L} Award for Best Novel."};

// Mystery, thriller, crime.
inline constexpr L kMysAdj[] = {"silent",  "missing", "deadly",   "perfect",   "final",
                                "quiet",   "second",  "last",     "dark",      "cold",
                                "crooked", "hidden",  "poisoned", "vanishing", "midnight",
                                "broken",  "seventh", "innocent", "locked"};
inline constexpr L kMysNoun[] = {"witness", "alibi", "verdict",   "stranger",   "detective", "suspect",
                                 "widow",   "key",   "diary",     "confession", "inspector", "body",
                                 "letter",  "heir",  "clue",      "motive",     "lie",       "secret",
                                 "room",    "guest", "photograph"};
inline constexpr L kMysAbstract[] = {"murder", "deceit",  "betrayal", "revenge", "guilt", "silence",
                                     "lies",   "shadows", "poison",   "blood",   "fear",  "truth"};
inline constexpr L kMysPlace[] = {
    "Willow Lane",        "Blackwood Manor", "the Vicarage",     "Marine Drive",
    "the Orient Express", "Hawthorne Hall",  "Rosemary Cottage", "Ooty",
    "the Old Mill",       "Paddington",      "Chandni Chowk",    "Harbour Street",
    "Thornfield Grange",  "the Grand Hotel", "Baker's Row",      "Kensal Green"};
inline constexpr L kMysTopic[] = {"a locked-room murder",  "a missing heiress", "a poisoned tea party",
                                  "a cold case",           "a serial killer",   "a stolen diamond",
                                  "a political conspiracy"};
inline constexpr L kMysTitles[] = {"Murder at {P}",
                                   "Death in {c}",
                                   "The {A} {N}",
                                   "The Case of the {A} {N}",
                                   "A {N} in {S}",
                                   "The {P} Murders",
                                   "{K} Days to {M}",
                                   "The {N} Who Knew Too Much",
                                   "The {A} Hour",
                                   "Nobody Saw the {N}",
                                   "The Girl in the {A} {N}",
                                   "Blood on {P}",
                                   "The {N} on the {N}",
                                   "A {A} Kind of {M}",
                                   "The {L} Inquiry",
                                   "Inspector {L} Investigates",
                                   "{M} at {P}",
                                   "The {N} in the {N}",
                                   "Dead {N}s Tell No Tales",
                                   "The {A} {N} Affair"};
inline constexpr L kMysSubtitles[] = {"An Inspector {L} Mystery",
                                      "A Detective {F} {L} Novel",
                                      "A Thriller",
                                      "A {c} Mystery",
                                      "A Cosy Crime Novel",
                                      "The {L} Files, Book {K}",
                                      "A Psychological Thriller"};
inline constexpr L kMysOpeners[] = {
    "When a body is found at {P}, Inspector {f} {l} is called back from leave.",
    "Everyone at the dinner party had a motive. Only one of them had a {n}.",
    "The {a} {n} was the first sign that something was wrong in {c}.",
    "Twenty years ago, a girl vanished from {P}. Now the {n} has been found.",
    "Detective {f} {l} has one rule: never trust a {n}.",
    "A snowstorm, a country house and {k} guests, one of them a killer."};
inline constexpr L kMysMiddles[] = {
    "As the {a} truth emerges, the investigation turns towards {t}.",
    "But in {c}, everyone is hiding something, and the killer is watching.",
    "Each clue leads deeper into a web of {m} and {m}.",
    "With the {n} missing and the {n} lying, time is running out.",
    "The case will take {f} from the back streets of {c} to the heart of power."};
inline constexpr L kMysClosers[] = {
    "A twisting, addictive page-turner.", "You will not see the ending coming.",
    "Golden Age crime with a modern edge.", "The first case for Inspector {L}."};

// Romance.
inline constexpr L kRomAdj[] = {"sweet", "perfect", "accidental", "secret", "summer", "lucky",     "little",
                                "wild",  "second",  "unexpected", "royal",  "fake",   "forbidden", "tender"};
inline constexpr L kRomNoun[] = {"heart",     "kiss",  "wedding", "bride",     "promise",
                                 "bookshop",  "café",  "chance",  "match",     "proposal",
                                 "neighbour", "rival", "duke",    "bakery",    "vineyard",
                                 "letter",    "date",  "holiday", "love song", "spice shop"};
inline constexpr L kRomAbstract[] = {"love",           "chance",    "desire", "happiness",
                                     "forever",        "moonlight", "roses",  "sunshine",
                                     "second chances", "starlight", "hope"};
inline constexpr L kRomPlace[] = {"Goa",          "Paris",   "Santorini", "the Cotswolds",
                                  "Amalfi",       "Udaipur", "Cornwall",  "Seville",
                                  "Notting Hill", "Kerala",  "Lake Como", "Provence"};
inline constexpr L kRomTopic[] = {"enemies to lovers", "a marriage of convenience", "second chances",
                                  "a fake engagement", "small-town romance",        "a holiday fling"};
inline constexpr L kRomTitles[] = {"A {S} in {P}",
                                   "Love in the Time of {M}",
                                   "The {N} Next Door",
                                   "{A} {N}s",
                                   "Kiss Me in {P}",
                                   "The Wedding {N}",
                                   "The {A} {N}",
                                   "One {S} in {c}",
                                   "The Little {N} in {P}",
                                   "Falling for the {N}",
                                   "{M} and Other Disasters",
                                   "The {N} Between Us",
                                   "Meet Me at the {N}",
                                   "The {A} Arrangement",
                                   "Always the {N}",
                                   "Say Yes to {M}",
                                   "The {N} of {P}",
                                   "Love, {F}"};
inline constexpr L kRomSubtitles[] = {"A Novel", "A Feel-Good Romance", "A Romantic Comedy",
                                      "The {P} Series, Book {K}", "A Second Chance Romance"};
inline constexpr L kRomOpeners[] = {
    "{f} {l} has sworn off love. Then she inherits a {n} in {P}.",
    "It was supposed to be a {a} {n}. Nobody told her heart.",
    "When {f} agrees to a {a} engagement with her brother's best friend, rules are made.",
    "Two rival {n} owners in {c}. One {s}. No chance of romance. Right?",
    "{f} planned every detail of the wedding, except falling for the best man."};
inline constexpr L kRomMiddles[] = {"A warm, witty story of {t}.",
                                    "But rules are made to be broken, and {P} is full of surprises.",
                                    "Sparks fly, secrets surface, and {m} turns out to be complicated.",
                                    "Between late nights and early mornings, something real begins."};
inline constexpr L kRomClosers[] = {"The perfect escape for a {s} weekend.", "Heartwarming and hilarious.",
                                    "Guaranteed happy ending."};

// Horror.
inline constexpr L kHorAdj[] = {"hollow", "drowned", "rotting", "silent",   "hungry", "pale", "crooked",
                                "black",  "buried",  "weeping", "nameless", "grey",   "cold", "ninth"};
inline constexpr L kHorNoun[] = {"house", "doll",    "well",  "chapel", "asylum", "mirror", "cellar",
                                 "child", "orchard", "woods", "bride",  "lake",   "attic",  "haveli",
                                 "bell",  "figure",  "door",  "tenant", "witch",  "stair"};
inline constexpr L kHorAbstract[] = {"bones", "teeth",  "whispers", "dread",   "shadows", "rot",
                                     "ashes", "hunger", "the dark", "silence", "the deep"};
inline constexpr L kHorPlace[] = {"Hollow Street", "Ravenscroft", "the Moors", "Bhangarh",    "Elm Hollow",
                                  "the Marsh",     "Blackwater",  "St Agnes",  "Gallows Hill"};
inline constexpr L kHorTopic[] = {"a haunting", "an ancient curse", "possession", "a family secret"};
inline constexpr L kHorTitles[] = {"The House on {P}",
                                   "{A} Hollow",
                                   "What the {N} Remembers",
                                   "The {N} Beneath",
                                   "The {A} {N}",
                                   "Do Not Open the {N}",
                                   "{M}",
                                   "The {N} in the Walls",
                                   "Something in the {N}",
                                   "They Came from {P}",
                                   "The {A} Ones",
                                   "Night of the {A} {N}"};
inline constexpr L kHorSubtitles[] = {"A Novel of Terror", "A Ghost Story", "Tales of the Macabre"};
inline constexpr L kHorOpeners[] = {"The {L} family moved to {P} for a fresh start.",
                                    "Nobody in {c} talks about the {a} {n}.",
                                    "Every night at three, the {n} begins to whisper.",
                                    "{f} inherited the {n} from a grandmother she never met."};
inline constexpr L kHorMiddles[] = {"Soon the walls begin to bleed and the children stop sleeping.",
                                    "What waits in the {n} has been hungry for a very long time.",
                                    "A chilling story of {t}.",
                                    "To survive, {f} must uncover what happened at {P} in {y}."};
inline constexpr L kHorClosers[] = {"Do not read it alone.", "Terrifying and impossible to put down."};

// Young adult and children.
inline constexpr L kYoungAdj[] = {"brave",      "tiny",     "magical",   "curious", "secret", "flying",
                                  "sleepy",     "hungry",   "invisible", "clever",  "grumpy", "upside-down",
                                  "marvellous", "midnight", "wonderful", "noisy",   "kind"};
inline constexpr L kYoungNoun[] = {"dragon", "tiger",     "elephant", "rabbit",    "robot",     "owl",
                                   "mouse",  "treehouse", "kite",     "adventure", "detective", "school",
                                   "pirate", "monster",   "unicorn",  "monkey",    "bicycle",   "friend",
                                   "wizard", "peacock",   "camel"};
inline constexpr L kYoungAbstract[] = {"friendship", "courage", "magic",  "adventure", "mischief",
                                       "dreams",     "stars",   "wishes", "secrets",   "summer"};
inline constexpr L kYoungPlace[] = {
    "Hogsmoor",   "Sunnyvale School", "the Jungle",           "Moonbeam Street",  "the Himalayas",
    "Pebble Bay", "Malgudi",          "the Enchanted Forest", "Starfall Academy", "the Sundarbans"};
inline constexpr L kYoungTopic[] = {
    "friendship", "growing up", "being different", "first love", "standing up to bullies", "family"};
inline constexpr L kYoungTitles[] = {"{F} and the {A} {N}",
                                     "The {A} Adventures of {F}",
                                     "How to Train Your {N}",
                                     "The {N} Who Lost Its {N}",
                                     "The {A} {N}",
                                     "{F} Saves the Day",
                                     "The {N} of {P}",
                                     "My {A} {N}",
                                     "The Secret of {P}",
                                     "{F} {L} and the {N} of {M}",
                                     "Good Night, {A} {N}",
                                     "Where Is the {N}?",
                                     "The {N} Club",
                                     "Everything Is {M}",
                                     "The Girl Who Drank the {M}",
                                     "The Summer I Turned {K}"};
inline constexpr L kYoungSubtitles[] = {"A Picture Book", "Book {K} of the {N} Club", "An Adventure Story",
                                        "A Young Adult Novel"};
inline constexpr L kYoungOpeners[] = {"{f} is {k} years old and has a very {a} problem.",
                                      "Nobody at {P} believes that {f} has a {n}.",
                                      "When a {a} {n} moves in next door, life in {P} gets exciting.",
                                      "Sixteen-year-old {f} {l} has never fitted in at {P}."};
inline constexpr L kYoungMiddles[] = {"Together they set off on an adventure full of {m} and {m}.",
                                      "A funny, touching story about {t}.",
                                      "With beautiful illustrations on every page.",
                                      "But the {n} has a secret, and it could change everything."};
inline constexpr L kYoungClosers[] = {"Perfect for reading aloud.", "For readers aged {k} and up.",
                                      "A modern classic for young readers."};

// Poetry.
inline constexpr L kPoeAdj[] = {"selected", "collected", "new",     "late",    "early", "quiet", "burning",
                                "small",    "blue",      "morning", "evening", "salt",  "river"};
inline constexpr L kPoeNoun[] = {"poem",  "song", "psalm", "hymn",   "elegy",  "river", "monsoon",
                                 "field", "lamp", "bird",  "garden", "ghazal", "rain",  "window"};
inline constexpr L kPoeAbstract[] = {"light", "longing", "silence", "rain",  "the sea", "grief",
                                     "love",  "dust",    "praise",  "water", "home",    "the body"};
inline constexpr L kPoeTitles[] = {"{N}s and Other Poems", "Collected Poems", "Songs of {M}",
                                   "{K} Poems for {M}",    "The {A} Hour",    "Selected Poems",
                                   "A Book of {M}",        "{M}: Poems",      "The {N} of {M}",
                                   "Poems from {c}",       "Of {M} and {M}",  "Night {N}s"};
inline constexpr L kPoeSubtitles[] = {"Poems", "New and Selected Poems", "Poems {Y}",
                                      "Translated from the Hindi"};
inline constexpr L kPoeOpeners[] = {"A luminous collection of poems about {m} and {m}.",
                                    "In these {a} poems, {f} {l} returns to {c}, to childhood and to {m}.",
                                    "The long-awaited new collection from one of {c}'s finest poets."};
inline constexpr L kPoeMiddles[] = {"Lyrical, tender and fierce, these poems listen to the world.",
                                    "Moving between the {n} and the city, they ask what it means to belong."};
inline constexpr L kPoeClosers[] = {"Winner of the {L} Poetry Prize."};

// Technology and programming.
inline constexpr L kTechAdj[] = {"practical",        "effective",  "modern",   "pragmatic",  "essential",
                                 "advanced",         "functional", "reliable", "scalable",   "concurrent",
                                 "distributed",      "secure",     "clean",    "real-world", "idiomatic",
                                 "high-performance", "applied",    "robust"};
inline constexpr L kTechNoun[] = {"systems",           "algorithms",       "microservices", "databases",
                                  "compilers",         "networks",         "APIs",          "patterns",
                                  "data structures",   "web applications", "pipelines",     "architectures",
                                  "operating systems", "containers",       "interfaces"};
inline constexpr L kTechAbstract[] = {"refactoring", "testing", "performance", "observability", "security",
                                      "concurrency", "design",  "simplicity",  "reliability",   "automation"};
inline constexpr L kTechPlace[] = {"the cloud", "production", "the edge", "the enterprise", "scale"};
inline constexpr L kTechTopic[] = {"Distributed Systems",
                                   "Machine Learning",
                                   "Data Engineering",
                                   "Site Reliability Engineering",
                                   "Computer Networks",
                                   "Operating Systems",
                                   "Database Internals",
                                   "Software Architecture",
                                   "Deep Learning",
                                   "Natural Language Processing",
                                   "Computer Vision",
                                   "Cryptography",
                                   "Functional Programming",
                                   "Domain-Driven Design",
                                   "Test-Driven Development",
                                   "Compilers",
                                   "Algorithms",
                                   "Data Visualization",
                                   "Cloud Computing",
                                   "Microservices",
                                   "Information Retrieval",
                                   "Embedded Systems",
                                   "Quantum Computing",
                                   "Game Development",
                                   "Web Performance",
                                   "Kubernetes",
                                   "DevOps",
                                   "Large Language Models",
                                   "Statistics",
                                   "Reinforcement Learning",
                                   "Computer Graphics",
                                   "Security Engineering"};
inline constexpr L kTechTools[] = {"Rust",       "Python",     "Go",      "C++",    "Java",      "Kotlin",
                                   "TypeScript", "JavaScript", "Haskell", "Scala",  "Elixir",    "PostgreSQL",
                                   "Linux",      "SQL",        "Swift",   "C",      "Julia",     "R",
                                   "Clojure",    "OCaml",      "Zig",     "Docker", "Terraform", "React",
                                   "Spark",      "Kafka",      "PyTorch", "Bash"};
inline constexpr L kTechTitles[] = {"The Art of {T}",
                                    "Learning {G}",
                                    "{G} in Action",
                                    "Programming {G}",
                                    "Practical {T}",
                                    "{T}: A Practical Guide",
                                    "Designing {T}",
                                    "Effective {G}",
                                    "{G} for Data Science",
                                    "Mastering {T}",
                                    "The {G} Programming Language",
                                    "Hands-On {T} with {G}",
                                    "{T} in Practice",
                                    "Thinking in {G}",
                                    "{G} Cookbook",
                                    "Fundamentals of {T}",
                                    "Introduction to {T}",
                                    "{A} {G}",
                                    "{T} from Scratch",
                                    "Building {A} {N}",
                                    "Release It: {A} {N}",
                                    "The Pragmatic Guide to {T}",
                                    "{G} Crash Course",
                                    "Understanding {T}",
                                    "{T} Engineering",
                                    "Head First {G}",
                                    "{G} Concurrency in Practice",
                                    "{A} {T}",
                                    "Seven Languages in Seven Weeks: {G}",
                                    "The {G} Workshop"};
inline constexpr L kTechSubtitles[] = {"Second Edition",          "Third Edition",
                                       "A Hands-On Introduction", "Principles and Practice",
                                       "Patterns for {A} {N}",    "From Fundamentals to Production",
                                       "A Modern Approach",       "Building {A} Software with {G}",
                                       "Covers {G} {Y}"};
inline constexpr L kTechOpeners[] = {
    "This book teaches {t} from first principles, with working examples in {g}.",
    "Whether you are new to {g} or an experienced engineer, this guide shows you how to build {a} {n}.",
    "{t} is at the heart of every modern product; this book explains how it really works.",
    "Written by practitioners, this is a hands-on introduction to {t} using {g}.",
    "Learn to design, build and operate {a} {n} that survive contact with {p}."};
inline constexpr L kTechMiddles[] = {
    "You will learn {m}, {m} and {m}, and how to apply them in {p}.",
    "Each chapter ends with exercises and a complete project in {g}.",
    "Case studies from real companies show the trade-offs behind {a} {n}.",
    "Updated for the latest version of {g}, with new chapters on {m} and {m}.",
    "Clear diagrams and runnable code make difficult ideas approachable."};
inline constexpr L kTechClosers[] = {"Essential reading for every software engineer.",
                                     "Includes access to the example code online.",
                                     "The standard reference, now fully revised."};

// Business and economics.
inline constexpr L kBizAdj[] = {"lean",      "agile",  "radical",     "effective", "resilient",
                                "invisible", "new",    "hidden",      "human",     "digital",
                                "great",     "frugal", "sustainable", "global"};
inline constexpr L kBizNoun[] = {"organization", "leader",  "startup", "strategy", "economy",
                                 "market",       "brand",   "company", "team",     "negotiation",
                                 "customer",     "manager", "investor"};
inline constexpr L kBizAbstract[] = {"growth", "leadership", "innovation", "value",  "trust",  "money",
                                     "focus",  "scale",      "influence",  "wealth", "change", "inequality"};
inline constexpr L kBizTopic[] = {
    "Leadership",       "Negotiation",           "Marketing",          "Strategy", "Investing", "Management",
    "Entrepreneurship", "Behavioural Economics", "Product Management", "Finance"};
inline constexpr L kBizTitles[] = {
    "The {A} {N}",       "{K} Rules of {T}", "Thinking About {M}",    "The {T} Playbook", "Good to {A}",
    "The {M} Advantage", "Zero to {M}",      "The Psychology of {M}", "The {A} Startup",  "{T} for Humans",
    "Why {N}s Fail",     "The {M} Economy",  "Capital and {M}",       "The Art of {T}",   "{T} Made Simple"};
inline constexpr L kBizSubtitles[] = {"How {A} Companies Win", "Lessons from {c}", "A Guide for Managers",
                                      "What Every {N} Needs to Know", "The Science of {M}"};
inline constexpr L kBizOpeners[] = {
    "Why do some companies thrive while others fail? This book argues that the answer is {m}.",
    "Drawing on two decades of research, {f} {l} shows how {a} teams create {m}.",
    "From the boardrooms of {c} to the street markets of {c}, a fresh look at {m}.",
    "A practical handbook for anyone who wants to master {t}."};
inline constexpr L kBizMiddles[] = {"Packed with case studies and practical tools.",
                                    "It challenges conventional wisdom about {m} and {m}.",
                                    "Clear, provocative and full of stories."};
inline constexpr L kBizClosers[] = {"A Financial Times Business Book of the Year.", "Essential for leaders."};

// Science and nature.
inline constexpr L kSciAdj[] = {"hidden", "secret", "elegant", "restless", "living",  "invisible", "deep",
                                "wild",   "brief",  "fragile", "quantum",  "ancient", "vanishing"};
inline constexpr L kSciNoun[] = {"universe", "cell",   "forest", "ocean", "planet",
                                 "atom",     "brain",  "gene",   "river", "mountain",
                                 "bird",     "insect", "tree",   "star",  "coral reef"};
inline constexpr L kSciAbstract[] = {"time",          "evolution",  "gravity", "life",    "energy",  "matter",
                                     "consciousness", "the cosmos", "chaos",   "entropy", "climate", "light"};
inline constexpr L kSciTopic[] = {"Physics",     "Biology",   "Genetics",  "Neuroscience",
                                  "Astronomy",   "Ecology",   "Chemistry", "Climate Science",
                                  "Mathematics", "Evolution", "Geology",   "Botany"};
inline constexpr L kSciTitles[] = {"The {A} Universe",
                                   "A Brief History of {M}",
                                   "The Hidden Life of {N}s",
                                   "{T}: A Very Short Introduction",
                                   "The Secret Life of {N}s",
                                   "The {N} Within",
                                   "On the Origin of {M}",
                                   "The Song of the {N}",
                                   "Seven Lessons on {T}",
                                   "The {A} Gene",
                                   "What Is {M}?",
                                   "The {N}: A Biography",
                                   "Wild {N}s",
                                   "The Sixth {N}",
                                   "The Order of {M}"};
inline constexpr L kSciSubtitles[] = {"A Natural History", "How {T} Explains the World", "The Science of {M}",
                                      "A Journey Through {T}", "Notes from the Field"};
inline constexpr L kSciOpeners[] = {
    "In this {a} book, {f} {l} takes us on a journey from the smallest {n} to the edge of the cosmos.",
    "What is {m}, and why does it matter? A leading scientist explains.",
    "Based on years of fieldwork in {c} and beyond, this is the story of the {n}.",
    "An accessible introduction to {t} for the curious reader."};
inline constexpr L kSciMiddles[] = {"Full of wonder, it makes the latest discoveries in {t} clear.",
                                    "It shows how {m} shapes everything from the {n} to the {n}.",
                                    "Beautifully written and rigorously researched."};
inline constexpr L kSciClosers[] = {"Winner of the Royal Society Science Book Prize.",
                                    "With photographs and illustrations."};

// History, politics, biography, memoir.
inline constexpr L kHisAdj[] = {"forgotten", "great",  "last",      "silk",       "long",
                                "bloody",    "golden", "hidden",    "divided",    "first",
                                "lost",      "shadow", "uncrowned", "partitioned"};
inline constexpr L kHisNoun[] = {"empire",    "revolution", "war",     "dynasty", "republic",
                                 "raj",       "queen",      "emperor", "city",    "road",
                                 "century",   "nation",     "crusade", "mutiny",  "frontier",
                                 "sultanate", "treaty",     "spy",     "general", "prime minister"};
inline constexpr L kHisAbstract[] = {"power", "freedom", "independence", "memory",  "conquest",  "democracy",
                                     "faith", "exile",   "partition",    "liberty", "resistance"};
inline constexpr L kHisPlace[] = {
    "Rome",  "the Mughals",   "India",  "Bengal",    "Byzantium",  "the Ottomans",
    "Spain", "the Silk Road", "Europe", "Persia",    "the Cholas", "Vijayanagara",
    "China", "the Atlantic",  "Africa", "the Andes", "Russia",     "the Deccan"};
inline constexpr L kHisTopic[] = {"Modern India",          "the Cold War", "the Second World War",
                                  "the Renaissance",       "Ancient Rome", "the British Empire",
                                  "the French Revolution", "Democracy"};
inline constexpr L kHisTitles[] = {"The Rise and Fall of {P}",
                                   "{P}: A History",
                                   "The Year of {M}",
                                   "A People's History of {P}",
                                   "The Life of {F} {L}",
                                   "{Y}: The Year That Changed the World",
                                   "My Years in {c}",
                                   "Letters from {c}",
                                   "The {A} {N}",
                                   "The Last {N}",
                                   "Midnight's {N}",
                                   "A History of {T}",
                                   "The Making of {T}",
                                   "{M} and {M}",
                                   "The {N}'s Daughter",
                                   "Inside the {N}",
                                   "The Story of {P}",
                                   "An Era of {M}",
                                   "Becoming {F}",
                                   "The {A} Road to {c}"};
inline constexpr L kHisSubtitles[] = {
    "A Biography",      "A Memoir", "A New History",          "{P} and the Making of {T}",
    "The Untold Story", "A Life",   "From {Y} to the Present"};
inline constexpr L kHisOpeners[] = {
    "In {y}, the {n} of {P} stood at the height of its power.",
    "Drawing on new archives in {c} and {c}, {f} {l} retells the story of {t}.",
    "The extraordinary life of {f} {l}, who rose from poverty in {c} to shape an age.",
    "A vivid memoir of growing up in {c} in the years of {m}.",
    "How did {P} become what it is? A sweeping account of {m} and {m}."};
inline constexpr L kHisMiddles[] = {
    "Told through the lives of ordinary people, it is history at its most human.",
    "It is a story of {m}, ambition and {m}.", "Meticulously researched and beautifully told.",
    "From the courts of {P} to the battlefields of {P}, it never loses pace."};
inline constexpr L kHisClosers[] = {"A landmark work of history.", "The definitive biography.",
                                    "With maps and a timeline."};

// Philosophy, religion, psychology, self-help, health, education.
inline constexpr L kMindAdj[] = {"quiet",     "mindful", "untethered", "good",    "happy",
                                 "resilient", "curious", "examined",   "stoic",   "anxious",
                                 "healthy",   "whole",   "open",       "thinking"};
inline constexpr L kMindNoun[] = {"mind", "habit", "body",    "brain", "soul",    "heart",  "path",
                                  "life", "self",  "teacher", "gut",   "student", "breath", "day"};
inline constexpr L kMindAbstract[] = {
    "happiness", "courage", "wisdom", "attention",  "calm",       "meaning",   "gratitude", "focus",
    "kindness",  "purpose", "sleep",  "compassion", "resilience", "stillness", "freedom",   "joy"};
inline constexpr L kMindTopic[] = {"Stoicism",      "Meditation",     "Ayurveda",  "Nutrition",
                                   "Learning",      "Yoga",           "Ethics",    "Cognitive Psychology",
                                   "Buddhism",      "Existentialism", "Parenting", "Teaching",
                                   "Mental Health", "Sleep Science"};
inline constexpr L kMindTitles[] = {"The {A} {N}",
                                    "On {M}",
                                    "The Power of {M}",
                                    "The Little Book of {M}",
                                    "{K} Habits of {A} People",
                                    "Why We {N}",
                                    "Meditations on {M}",
                                    "Teaching {T}",
                                    "The {M} Project",
                                    "A Guide to {T}",
                                    "The Art of {M}",
                                    "Atomic {N}s",
                                    "The {N} Keeps the Score",
                                    "{T} for Everyday Life",
                                    "Thinking, {A} and Slow",
                                    "The Road to {M}",
                                    "Finding {M}",
                                    "{M}: A Practical Guide"};
inline constexpr L kMindSubtitles[] = {"A Practical Guide", "How to Live a {A} Life",
                                       "Ancient Wisdom for Modern Life", "The Science of {M}",
                                       "{K} Lessons on {M}"};
inline constexpr L kMindOpeners[] = {
    "What does it take to live with {m}? {f} {l} draws on {t} to find out.",
    "A practical and compassionate guide to {m} in an age of distraction.",
    "Combining the latest research with ancient traditions, this book shows how {m} can be learned.",
    "Written for students and teachers alike, an introduction to {t}."};
inline constexpr L kMindMiddles[] = {"Each chapter offers simple exercises you can start today.",
                                     "It will change the way you think about {m} and {m}.",
                                     "Warm, wise and full of practical advice."};
inline constexpr L kMindClosers[] = {"Over a million copies sold.", "A book to return to again and again."};

// Cooking, travel, art, sports, humour.
inline constexpr L kLifeAdj[] = {"everyday",   "simple",   "slow",    "rustic", "coastal",
                                 "vegetarian", "modern",   "little",  "grand",  "accidental",
                                 "reluctant",  "complete", "weekend", "hungry"};
inline constexpr L kLifeNoun[] = {"kitchen", "table", "journey", "road",   "garden", "notebook", "season",
                                  "pantry",  "train", "market",  "studio", "match",  "innings",  "island"};
inline constexpr L kLifeAbstract[] = {"flavour", "spice", "colour", "wanderlust", "laughter", "comfort",
                                      "harvest", "salt",  "sugar",  "adventure",  "victory"};
inline constexpr L kLifePlace[] = {
    "Kerala", "Tuscany",   "Rajasthan", "Japan",         "Mexico",   "Provence", "Punjab",  "Sicily",
    "Bengal", "Andalusia", "Goa",       "the Himalayas", "Portugal", "Vietnam",  "Morocco", "the Highlands"};
inline constexpr L kLifeTopic[] = {"Indian",        "Italian",     "Bengali",     "South Indian",
                                   "Mediterranean", "Japanese",    "Mexican",     "Vegan",
                                   "Baking",        "Watercolour", "Photography", "Cricket",
                                   "Football",      "Running",     "Chess",       "Street Food"};
inline constexpr L kLifeTitles[] = {
    "The {T} Kitchen",      "{K} {T} Recipes",         "Everyday {T} Cooking",
    "Walking {P}",          "A Year in {P}",           "The Art of {T}",
    "The {A} {N}",          "Notes from a Small {N}",  "{M} and {M}",
    "Around {P} by {N}",    "The {T} Season",          "The {A} Traveller",
    "Salt, Fat, Acid, {M}", "Slow Train to {c}",       "The {P} Cookbook",
    "How to Win at {T}",    "Why Is My {N} Laughing?", "The {A} Guide to {T}"};
inline constexpr L kLifeSubtitles[] = {"Recipes from {P}", "Travels Through {P}", "{K} Recipes for Every Day",
                                       "A Comic Novel",    "A Memoir of {T}",     "An Illustrated Guide"};
inline constexpr L kLifeOpeners[] = {
    "From the markets of {c} to home kitchens in {P}, a celebration of {t} food.",
    "{f} {l} set off from {c} with a backpack and a {n}, and kept going.",
    "A joyful, practical guide to {t} for beginners and enthusiasts.",
    "Part travelogue, part love letter to {P}."};
inline constexpr L kLifeMiddles[] = {"With over a hundred photographs and easy step-by-step instructions.",
                                     "Funny, generous and full of {m}.",
                                     "Every chapter brings {P} to life, one {n} at a time."};
inline constexpr L kLifeClosers[] = {"The perfect gift.", "Laugh-out-loud funny."};

inline constexpr L kEmpty[] = {""};

#define BOOKSTORE_SEED_FAMILY(NAME, A, N, M, P, T, G, TI, SU, OP, MI, CL)                                   \
  Family {                                                                                                  \
    NAME, {A, N, M, P, T, G},                                                                               \
        {std::size(A), std::size(N), std::size(M), std::size(P), std::size(T), std::size(G)},               \
        BOOKSTORE_SEED_LIST(TI), BOOKSTORE_SEED_LIST(SU), BOOKSTORE_SEED_LIST(OP), BOOKSTORE_SEED_LIST(MI), \
        BOOKSTORE_SEED_LIST(CL)                                                                             \
  }

enum FamilyId {
  kLiterary,
  kFantasy,
  kSciFi,
  kMystery,
  kRomance,
  kHorror,
  kYoung,
  kPoetry,
  kTech,
  kBusiness,
  kScience,
  kHistory,
  kMind,
  kLifestyle,
  kFamilyCount
};

inline constexpr Family kFamilies[kFamilyCount] = {
    BOOKSTORE_SEED_FAMILY("literary", kLitAdj, kLitNoun, kLitAbstract, kLitPlace, kLitTopic, kTechTools,
                          kLitTitles, kLitSubtitles, kLitOpeners, kLitMiddles, kLitClosers),
    BOOKSTORE_SEED_FAMILY("fantasy", kFanAdj, kFanNoun, kFanAbstract, kFanPlace, kFanTopic, kTechTools,
                          kFanTitles, kFanSubtitles, kFanOpeners, kFanMiddles, kFanClosers),
    BOOKSTORE_SEED_FAMILY("science-fiction", kSfAdj, kSfNoun, kSfAbstract, kSfPlace, kSfTopic, kTechTools,
                          kSfTitles, kSfSubtitles, kSfOpeners, kSfMiddles, kSfClosers),
    BOOKSTORE_SEED_FAMILY("mystery", kMysAdj, kMysNoun, kMysAbstract, kMysPlace, kMysTopic, kTechTools,
                          kMysTitles, kMysSubtitles, kMysOpeners, kMysMiddles, kMysClosers),
    BOOKSTORE_SEED_FAMILY("romance", kRomAdj, kRomNoun, kRomAbstract, kRomPlace, kRomTopic, kTechTools,
                          kRomTitles, kRomSubtitles, kRomOpeners, kRomMiddles, kRomClosers),
    BOOKSTORE_SEED_FAMILY("horror", kHorAdj, kHorNoun, kHorAbstract, kHorPlace, kHorTopic, kTechTools,
                          kHorTitles, kHorSubtitles, kHorOpeners, kHorMiddles, kHorClosers),
    BOOKSTORE_SEED_FAMILY("young", kYoungAdj, kYoungNoun, kYoungAbstract, kYoungPlace, kYoungTopic,
                          kTechTools, kYoungTitles, kYoungSubtitles, kYoungOpeners, kYoungMiddles,
                          kYoungClosers),
    BOOKSTORE_SEED_FAMILY("poetry", kPoeAdj, kPoeNoun, kPoeAbstract, kLitPlace, kLitTopic, kTechTools,
                          kPoeTitles, kPoeSubtitles, kPoeOpeners, kPoeMiddles, kPoeClosers),
    BOOKSTORE_SEED_FAMILY("tech", kTechAdj, kTechNoun, kTechAbstract, kTechPlace, kTechTopic, kTechTools,
                          kTechTitles, kTechSubtitles, kTechOpeners, kTechMiddles, kTechClosers),
    BOOKSTORE_SEED_FAMILY("business", kBizAdj, kBizNoun, kBizAbstract, kHisPlace, kBizTopic, kTechTools,
                          kBizTitles, kBizSubtitles, kBizOpeners, kBizMiddles, kBizClosers),
    BOOKSTORE_SEED_FAMILY("science", kSciAdj, kSciNoun, kSciAbstract, kLifePlace, kSciTopic, kTechTools,
                          kSciTitles, kSciSubtitles, kSciOpeners, kSciMiddles, kSciClosers),
    BOOKSTORE_SEED_FAMILY("history", kHisAdj, kHisNoun, kHisAbstract, kHisPlace, kHisTopic, kTechTools,
                          kHisTitles, kHisSubtitles, kHisOpeners, kHisMiddles, kHisClosers),
    BOOKSTORE_SEED_FAMILY("mind", kMindAdj, kMindNoun, kMindAbstract, kLifePlace, kMindTopic, kTechTools,
                          kMindTitles, kMindSubtitles, kMindOpeners, kMindMiddles, kMindClosers),
    BOOKSTORE_SEED_FAMILY("lifestyle", kLifeAdj, kLifeNoun, kLifeAbstract, kLifePlace, kLifeTopic, kTechTools,
                          kLifeTitles, kLifeSubtitles, kLifeOpeners, kLifeMiddles, kLifeClosers),
};

#undef BOOKSTORE_SEED_FAMILY
#undef BOOKSTORE_SEED_LIST

// The 36 genres of migration 0004: family, weight as a first genre (per mille of books, roughly), and
// the genres a book of it often also has (space separated).
struct GenreSpec {
  std::string_view slug;
  FamilyId family;
  int weight;
  std::string_view related;
};

inline constexpr GenreSpec kGenreSpecs[] = {
    {"fiction", kLiterary, 120, "literary-fiction historical-fiction humour romance mystery"},
    {"literary-fiction", kLiterary, 60, "fiction historical-fiction classics drama"},
    {"classics", kLiterary, 25, "fiction literary-fiction drama poetry"},
    {"fantasy", kFantasy, 100, "fiction young-adult science-fiction romance"},
    {"science-fiction", kSciFi, 65, "fiction fantasy thriller young-adult"},
    {"mystery", kMystery, 90, "crime thriller fiction historical-fiction"},
    {"thriller", kMystery, 65, "crime mystery fiction science-fiction"},
    {"crime", kMystery, 45, "mystery thriller fiction"},
    {"romance", kRomance, 95, "fiction humour young-adult historical-fiction"},
    {"horror", kHorror, 30, "fiction thriller fantasy"},
    {"historical-fiction", kLiterary, 40, "fiction literary-fiction romance history"},
    {"young-adult", kYoung, 45, "fantasy romance fiction science-fiction"},
    {"children", kYoung, 35, "humour education nature fantasy"},
    {"poetry", kPoetry, 6, "classics literary-fiction drama"},
    {"drama", kLiterary, 8, "classics literary-fiction poetry"},
    {"humour", kLifestyle, 15, "fiction memoir travel"},
    {"biography", kHistory, 25, "history memoir politics sports"},
    {"memoir", kHistory, 20, "biography travel history humour"},
    {"history", kHistory, 30, "politics biography religion economics"},
    {"science", kScience, 20, "nature technology history health"},
    {"technology", kTech, 20, "programming science business"},
    {"programming", kTech, 30, "technology education science"},
    {"business", kBusiness, 25, "economics psychology self-help technology"},
    {"economics", kBusiness, 10, "business politics history"},
    {"philosophy", kMind, 10, "religion psychology history politics"},
    {"psychology", kMind, 15, "self-help health science philosophy"},
    {"self-help", kMind, 25, "psychology health business religion"},
    {"health", kMind, 15, "cooking self-help science sports"},
    {"cooking", kLifestyle, 15, "health travel art"},
    {"travel", kLifestyle, 10, "memoir nature history cooking"},
    {"art", kLifestyle, 8, "history biography education"},
    {"religion", kMind, 8, "philosophy history poetry"},
    {"politics", kHistory, 10, "history economics philosophy biography"},
    {"education", kMind, 8, "children psychology science"},
    {"nature", kScience, 8, "science travel children"},
    {"sports", kLifestyle, 8, "biography health memoir"},
};

}  // namespace bookstore::catalog::seed_words
