"""Demo books: a realistic account book to try KAMDesk on, and large ones for benchmarks.

A new user sees an empty window and learns nothing; a salesperson sees a book full of
accounts they recognise (a manufacturing group whose branches buy on their own, a bank,
a government bureau, foreign groups with Chinese subsidiaries) and understands the app in
a minute. The default demo (30 accounts) is therefore hand-shaped around the cases
the domain notes describe: Chinese and English accounts side by side, a group with
an HQ and branches where one branch bought from a competitor unnoticed (whitespace),
ABC tiers that follow the Pareto rule, every buying role, force and attitude, an account
team that covers the stakeholders level for level, deliberate coverage gaps, and deals on
both stage models, open, won and lost, each with the history of its stages.

Larger books (``accounts=10000``) extend the same 30 accounts with generated ones, for
benchmarks of the list, the search and the startup. Everything is written through
``Book.write()`` sessions that add model objects, exactly as typed edits are, so the
change log and the search index hold what they would hold after years of real use; the
writes are batched a few hundred accounts per transaction to keep that fast.

Content is deterministic for a seed (one ``random.Random`` drives every choice), so a
benchmark or a screenshot can be reproduced; record ids stay random UUIDs, as on a real
device. The book is built under a temporary name beside the target and renamed into
place only when complete, so an interrupted run never leaves a half-written book where
the app would open it.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamdesk.demo_deal_extras import add_deal_extras
from kamdesk.demo_proposals import add_demo_proposals
from kamdesk.demo_visits import VisitMaker, VisitRows
from kamdesk.domain.vocabulary import FORCE_ROLE, Attitude, Level, OrgLevel
from kamdesk.errors import BookError, DiskFullError, KamdeskError
from kamdesk.i18n import _
from kamdesk.kinds.milestone import STAGE_STEP, default_templates, stage_rank
from kamdesk.kinds.opportunity import FIRST_STAGE, STAGE_PROBABILITY
from kamdesk.models import (
    Account,
    Coverage,
    Milestone,
    Opportunity,
    StageChange,
    Stakeholder,
    TeamMember,
)
from kamdesk.store.book import (
    Book,
    check_can_create,
    disk_is_full,
    publish_new_file,
    remove_stale_partials,
)

#: Accounts written per transaction in a large book: big enough that the per-transaction
#: cost (lock, change-log sequence lookup, commit) vanishes, small enough that a session
#: never holds more than a few thousand objects in memory.
BATCH_ACCOUNTS = 250

#: Pareto shape of generated revenue. The textbook 80/20 shape (1.16) assumes an endless
#: tail; a book of 10,000 accounts has none, so a slightly heavier tail is used: drawn
#: for quantiles 0.0001-1, the top 20 % bring about 80 %, the next 30 % 12 %, the rest 8 %.
_PARETO_ALPHA = 1.05
#: Smallest yearly revenue of a revenue-bearing account, in CNY (major units).
_REVENUE_FLOOR_CNY = 200_000
#: How many CNY one unit of the account's currency is worth (rough, for realism only).
_CNY_PER_UNIT: dict[str, float] = {"CNY": 1.0, "USD": 7.2, "EUR": 7.8}
#: Stakeholders per generated account: the sources' "6-8 people in the decision", of whom
#: a rep knows a few less; groups get 2-3 group-level people, so the book averages ~6.
_CAST_SIZES: tuple[int, ...] = (4, 5, 5, 6, 6, 6, 7, 7, 8, 8)


@dataclass(frozen=True)
class DemoSummary:
    """What a demo book holds, for the command line to report."""

    accounts: int
    stakeholders: int
    team_members: int
    coverage: int
    deals: int = 0


# ---------------------------------------------------------------------------------------
# Vocabulary of the generated text. Each pool is (Chinese, English).
# ---------------------------------------------------------------------------------------

_Pool = tuple[tuple[str, ...], tuple[str, ...]]

_SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("韩", "han"),
    ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"),
    ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"), ("潘", "pan"),
    ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"),
    ("任", "ren"), ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("崔", "cui"),
    ("钟", "zhong"), ("谭", "tan"), ("陆", "lu"), ("范", "fan"), ("金", "jin"),
    ("石", "shi"), ("廖", "liao"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"),
    ("白", "bai"), ("邹", "zou"), ("孟", "meng"), ("熊", "xiong"), ("秦", "qin"),
    ("邱", "qiu"), ("江", "jiang"), ("尹", "yin"), ("薛", "xue"), ("段", "duan"),
    ("雷", "lei"), ("侯", "hou"), ("龙", "long"), ("史", "shi"), ("陶", "tao"),
    ("贺", "he"), ("顾", "gu"), ("毛", "mao"), ("郝", "hao"), ("龚", "gong"),
    ("邵", "shao"), ("钱", "qian"), ("严", "yan"), ("戴", "dai"), ("孔", "kong"),
    ("欧阳", "ouyang"), ("司马", "sima"), ("上官", "shangguan"),
)  # fmt: skip

_GIVEN_CHARS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("华", "hua"), ("建", "jian"), ("国", "guo"), ("文", "wen"), ("辉", "hui"),
    ("红", "hong"), ("玲", "ling"), ("斌", "bin"), ("宇", "yu"), ("浩", "hao"),
    ("凯", "kai"), ("鹏", "peng"), ("晨", "chen"), ("欣", "xin"), ("婷", "ting"),
    ("雪", "xue"), ("琳", "lin"), ("博", "bo"), ("思", "si"), ("雨", "yu"), ("佳", "jia"),
    ("俊", "jun"), ("志", "zhi"), ("海", "hai"), ("峰", "feng"), ("亮", "liang"),
    ("丹", "dan"), ("慧", "hui"), ("颖", "ying"), ("晓", "xiao"), ("云", "yun"),
    ("飞", "fei"), ("鑫", "xin"), ("瑞", "rui"), ("天", "tian"), ("梅", "mei"),
    ("兰", "lan"), ("振", "zhen"), ("宁", "ning"), ("毅", "yi"), ("永", "yong"),
    ("春", "chun"), ("东", "dong"), ("波", "bo"), ("立", "li"), ("新", "xin"),
    ("嘉", "jia"), ("子", "zi"), ("若", "ruo"), ("雅", "ya"), ("诗", "shi"), ("泽", "ze"),
)  # fmt: skip

_FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Thomas", "Jessica", "Daniel",
    "Sarah", "Matthew", "Karen", "Anthony", "Nancy", "Mark", "Lisa", "Steven", "Emily",
    "Andrew", "Laura", "Paul", "Rachel", "Kevin", "Hannah", "Brian", "Olivia", "George",
    "Sophie", "Edward", "Charlotte", "Peter", "Amelia", "Lukas", "Anna", "Jan", "Eva",
    "Pieter", "Sanne", "Marco", "Giulia", "Pierre", "Claire", "Rahul", "Priya", "Wei Ming",
    "Mei Ling", "Kenji", "Yuki", "Oliver", "Grace", "Henry", "Chloe", "Samuel", "Isabel",
    "Lucas", "Nora", "Felix", "Ingrid", "Stefan", "Freya", "Omar", "Leila",
)  # fmt: skip

_LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards",
    "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson",
    "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood",
    "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Myers",
    "Fischer", "Weber", "Becker", "Schulz", "de Vries", "van Dijk", "Jansen", "Bakker",
    "Rossi", "Bianchi", "Dubois", "Laurent", "Tan", "Lim", "Ng", "Wong", "Sharma", "Patel",
    "Tanaka", "Sato", "Larsen", "Nilsson",
)  # fmt: skip

#: Chinese cities: name and pinyin (for the generated accounts' e-mail domains).
_CITIES: tuple[tuple[str, str], ...] = (
    ("上海", "shanghai"), ("北京", "beijing"), ("深圳", "shenzhen"), ("广州", "guangzhou"),
    ("杭州", "hangzhou"), ("南京", "nanjing"), ("苏州", "suzhou"), ("无锡", "wuxi"),
    ("宁波", "ningbo"), ("成都", "chengdu"), ("重庆", "chongqing"), ("武汉", "wuhan"),
    ("西安", "xian"), ("天津", "tianjin"), ("青岛", "qingdao"), ("大连", "dalian"),
    ("厦门", "xiamen"), ("福州", "fuzhou"), ("合肥", "hefei"), ("长沙", "changsha"),
    ("郑州", "zhengzhou"), ("济南", "jinan"), ("沈阳", "shenyang"), ("长春", "changchun"),
    ("哈尔滨", "haerbin"), ("昆明", "kunming"), ("南宁", "nanning"), ("贵阳", "guiyang"),
    ("南昌", "nanchang"), ("太原", "taiyuan"), ("石家庄", "shijiazhuang"), ("佛山", "foshan"),
    ("东莞", "dongguan"), ("常州", "changzhou"), ("南通", "nantong"), ("温州", "wenzhou"),
    ("嘉兴", "jiaxing"), ("绍兴", "shaoxing"), ("烟台", "yantai"), ("珠海", "zhuhai"),
)  # fmt: skip

#: Characters Chinese company brands are made of (two per brand), with pinyin.
_BRAND_CHARS: tuple[tuple[str, str], ...] = (
    ("恒", "heng"), ("远", "yuan"), ("华", "hua"), ("信", "xin"), ("达", "da"), ("鑫", "xin"),
    ("源", "yuan"), ("泰", "tai"), ("瑞", "rui"), ("盛", "sheng"), ("通", "tong"),
    ("宏", "hong"), ("昌", "chang"), ("隆", "long"), ("丰", "feng"), ("安", "an"),
    ("康", "kang"), ("锦", "jin"), ("润", "run"), ("海", "hai"), ("天", "tian"),
    ("汇", "hui"), ("中", "zhong"), ("新", "xin"), ("东", "dong"), ("宇", "yu"),
    ("立", "li"), ("博", "bo"), ("创", "chuang"), ("科", "ke"), ("联", "lian"),
    ("嘉", "jia"), ("和", "he"), ("永", "yong"), ("益", "yi"), ("富", "fu"), ("金", "jin"),
    ("力", "li"), ("星", "xing"), ("云", "yun"), ("峰", "feng"), ("诚", "cheng"),
    ("启", "qi"), ("明", "ming"), ("振", "zhen"), ("兴", "xing"), ("银", "yin"),
    ("德", "de"), ("凯", "kai"), ("祥", "xiang"),
)  # fmt: skip

_EN_BRAND_HEADS: tuple[str, ...] = (
    "Red", "Blue", "Silver", "North", "South", "East", "West", "Iron", "Clear", "Bright",
    "Stone", "Oak", "Pine", "Cedar", "Gold", "High", "Deep", "Swift", "Green", "Summit",
    "River", "Lake", "Star", "Sun", "Storm", "Frost", "Maple", "Granite", "Crystal", "Blackrock",
)  # fmt: skip
_EN_BRAND_TAILS: tuple[str, ...] = (
    "wood", "peak", "line", "gate", "field", "bridge", "stone", "wave", "point", "crest",
    "haven", "ridge", "water", "light", "vale", "ford", "mark", "view", "wind", "brook",
)  # fmt: skip
_EN_TOWNS: tuple[str, ...] = (
    "Lakeport", "Millbrook", "Eastfield", "Harrowgate", "Riverton", "Fairhaven", "Kingsbury",
    "Ashford", "Westmoor", "Clearwater", "Oakridge", "Brookdale", "Stanton", "Greywell",
    "Northam", "Redcliff", "Bayside", "Hollowell", "Marlow", "Elmstead",
)  # fmt: skip
_EN_BRANCH_CITIES: tuple[tuple[str, str], ...] = (
    ("Rotterdam", "EUR"), ("Hamburg", "EUR"), ("Lyon", "EUR"), ("Milan", "EUR"),
    ("Antwerp", "EUR"), ("Chicago", "USD"), ("Dallas", "USD"), ("Seattle", "USD"),
    ("Singapore", "USD"), ("Atlanta", "USD"), ("Shanghai", "CNY"), ("Suzhou", "CNY"),
    ("Shenzhen", "CNY"), ("Tianjin", "CNY"),
)  # fmt: skip

_INDUSTRIES: tuple[str, ...] = (
    "manufacturing", "finance", "internet", "government", "energy", "healthcare", "retail",
    "logistics", "education", "telecom",
)  # fmt: skip
#: How often each industry turns up among generated accounts (manufacturing dominates
#: the sources' examples).
_INDUSTRY_WEIGHTS: tuple[int, ...] = (26, 12, 9, 8, 9, 8, 9, 9, 4, 6)

_ZH_COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("精密制造有限公司", "机械股份有限公司", "电子科技有限公司",
                      "汽车零部件有限公司", "新材料股份有限公司", "智能装备有限公司"),
    "finance": ("证券股份有限公司", "保险股份有限公司", "农村商业银行", "信托有限公司",
                "融资租赁有限公司"),
    "internet": ("网络科技有限公司", "信息技术有限公司", "数字科技有限公司", "云计算有限公司"),
    "energy": ("能源股份有限公司", "电力有限公司", "燃气股份有限公司", "新能源科技有限公司"),
    "healthcare": ("医疗器械有限公司", "医药股份有限公司", "健康管理有限公司", "医院"),
    "retail": ("商贸有限公司", "连锁超市有限公司", "百货股份有限公司", "电子商务有限公司"),
    "logistics": ("物流有限公司", "供应链管理有限公司", "国际货运代理有限公司", "快运有限公司"),
    "education": ("教育科技有限公司", "职业技术学院", "外国语学校"),
    "telecom": ("通信技术有限公司", "网络股份有限公司", "通信工程有限公司"),
}  # fmt: skip
_ZH_BUREAUS: tuple[str, ...] = (
    "数据资源管理局", "交通运输局", "市场监督管理局", "人力资源和社会保障局", "政务服务中心",
    "住房和城乡建设局", "卫生健康委员会", "应急管理局",
)  # fmt: skip
_ZH_DISTRICTS: tuple[str, ...] = (
    "", "", "高新区", "经开区", "滨江区", "新城区", "东城区", "西城区", "港区", "临空区",
)  # fmt: skip
_EN_COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("Precision", "Industries", "Components", "Machinery", "Materials"),
    "finance": ("Capital", "Bank", "Insurance", "Securities", "Asset Management"),
    "internet": ("Digital", "Labs", "Networks", "Cloud"),
    "energy": ("Energy", "Power", "Renewables", "Utilities"),
    "healthcare": ("Medical", "Health", "Pharma", "Diagnostics"),
    "retail": ("Retail", "Stores", "Brands", "Commerce"),
    "logistics": ("Logistics", "Freight", "Shipping", "Supply Chain"),
    "education": ("Learning", "Academy", "Education"),
    "telecom": ("Telecom", "Communications", "Connect"),
}  # fmt: skip
_EN_GOV_DEPARTMENTS: tuple[str, ...] = (
    "Department of Transportation", "Digital Services", "Public Works", "Health Department",
    "Revenue Office", "Water Authority",
)  # fmt: skip
_EN_SUFFIXES: dict[str, tuple[str, ...]] = {
    "USD": ("Inc.", "Corp.", "LLC", ""),
    "EUR": ("GmbH", "B.V.", "AG", "S.A.", "N.V."),
    "CNY": ("(Shanghai) Co., Ltd.", "(Suzhou) Co., Ltd.", "(Shenzhen) Co., Ltd."),
}

_COMPETITORS_ZH: tuple[str, ...] = ("蓝海软件", "启明科技", "智联云", "华信数科", "创源信息")
_COMPETITORS_EN: tuple[str, ...] = (
    "Vantage Systems", "Kestrel Software", "Corvid Analytics", "Pinnacle Cloud", "Tessera",
)  # fmt: skip
_PRODUCTS: _Pool = (
    ("ERP", "MES", "CRM", "WMS", "数据平台", "运维外包", "质量追溯系统"),
    ("ERP", "MES", "CRM", "WMS", "data platform", "managed services", "quality traceability"),
)
_SATISFACTION: _Pool = (
    ("满意度较高", "满意度一般", "满意度较低，多次投诉响应慢"),
    ("satisfied", "satisfaction moderate", "unhappy with slow support"),
)
_MONTHS_EN: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_PAIN_POINTS: dict[str, _Pool] = {
    "manufacturing": (
        ("设备综合效率偏低，停机原因说不清", "质量问题追溯要花好几天", "库存周转慢，呆滞料多",
         "各工厂系统不统一，数据口径不一致", "人工排产，插单频繁导致交期延误"),
        ("Low equipment effectiveness; nobody can say why lines stop",
         "Tracing a quality problem takes days", "Slow inventory turns and obsolete stock",
         "Every plant runs different systems with different numbers",
         "Manual scheduling; rush orders keep breaking delivery dates"),
    ),
    "finance": (
        ("监管报送压力大，合规要求不断提高", "核心系统老旧，新业务上线慢",
         "数据安全与等保要求严格", "客户经理获客成本高"),
        ("Regulatory reporting keeps growing", "Legacy core system slows every launch",
         "Strict data-security and audit requirements", "High cost of acquiring clients"),
    ),
    "internet": (
        ("业务增长快，系统扩容跟不上", "研发效率需要提升", "云成本失控"),
        ("Growth outpaces the platform", "Engineering throughput must improve",
         "Cloud costs out of control"),
    ),
    "government": (
        ("数据分散在各委办局，难以共享", "群众办事需要跑多次", "项目须符合政府采购和信创要求"),
        ("Data scattered across departments", "Citizens must visit several offices",
         "Every project must pass public procurement rules"),
    ),
    "energy": (
        ("设备巡检依赖人工，安全风险高", "能耗数据采集不全", "新能源并网带来调度压力"),
        ("Manual inspections carry safety risk", "Incomplete energy-consumption data",
         "Renewables strain grid dispatch"),
    ),
    "healthcare": (
        ("耗材管理混乱，账实不符", "信息系统之间互不相通", "医保控费压力大"),
        ("Consumables are hard to track", "Clinical systems do not talk to each other",
         "Pressure on reimbursement costs"),
    ),
    "retail": (
        ("门店库存不准，缺货和积压并存", "线上线下会员数据割裂", "促销效果无法量化"),
        ("Store stock is wrong: stock-outs and overstock at once",
         "Online and in-store customer data are split", "No way to measure promotions"),
    ),
    "logistics": (
        ("车辆空驶率高", "仓库作业效率低，旺季爆仓", "客户要求全程可视化"),
        ("Too many empty runs", "Warehouses overflow in peak season",
         "Customers want end-to-end tracking"),
    ),
    "education": (
        ("教务系统老旧", "招生竞争加剧", "实训资源不足"),
        ("Outdated student-records system", "Tougher competition for students",
         "Too few lab places"),
    ),
    "telecom": (
        ("网络运维成本高", "5G 投资回报压力", "客户流失率上升"),
        ("High network operations cost", "Pressure to earn back 5G investment",
         "Rising churn"),
    ),
}  # fmt: skip

_SINCE: _Pool = (("自{year}年起合作。",), ("Customer since {year}.",))
_SITUATION: dict[str, _Pool] = {
    "strategic": (
        ("双方高层每季度互访，已签订三年战略合作协议。",
         "是我们在本行业的标杆客户，可作为参考案例。"),
        ("Executives meet every quarter under a three-year partnership agreement.",
         "Our reference customer in the industry; happy to host visits."),
    ),
    "mature": (
        ("续约稳定，但采购部今年要求降价5%。", "满意度较高，交叉销售空间在质量追溯模块。",
         "合作多年，但关系集中在一位联系人身上，需要多线布局。"),
        ("Renewals are steady, but procurement wants 5% off this year.",
         "Satisfied; room to cross-sell the traceability module.",
         "Long relationship, but it hangs on a single contact: multi-thread it."),
    ),
    "new": (
        ("首个项目刚上线，需确保交付质量以争取二期。", "首单来自信息中心，业务部门尚未深度参与。"),
        ("First project just went live; delivery quality decides phase two.",
         "The first order came from IT; the business departments are not involved yet."),
    ),
    "prospect": (
        ("尚未合作。通过行业展会结识信息中心负责人，正在了解需求。",
         "尚未合作。现有供应商关系深厚，需先找到内部教练。"),
        ("Not a customer yet; met the head of IT at a trade fair, needs still unclear.",
         "Not a customer yet; the incumbent is well entrenched, find a coach first."),
    ),
}  # fmt: skip
_MILESTONES: _Pool = (
    ("需求调研", "方案评审", "试点验收", "商务谈判", "高层拜访", "年度业务回顾"),
    ("discovery workshop", "solution review", "pilot acceptance", "commercial negotiation",
     "executive visit", "annual business review"),
)  # fmt: skip

_PROCUREMENT: dict[str, _Pool] = {
    "centralised": (
        ("立项 → 评估 → 招标 → 决策；由总经理一人拍板，单笔超过{amount}万元需董事会批准。",),
        ("Initiation → evaluation → tender → decision; the CEO decides alone, "
         "above {amount}k the board approves.",),
    ),
    "decentralised": (
        ("立项 → 评估 → 招标 → 决策；各部门自行选型，采购部负责比价和合同。",),
        ("Initiation → evaluation → tender → decision; each department chooses, "
         "procurement runs the price comparison and the contract.",),
    ),
    "mixed": (
        ("立项 → 评估 → 招标 → 决策；业务部门提需求，技术评审后报总经理办公会审批，"
         "超过{amount}万元须公开招标。",),
        ("Initiation → evaluation → tender → decision; departments propose, IT reviews, the "
         "executive committee approves; tenders are mandatory above {amount}k.",),
    ),
}  # fmt: skip
_GOV_PROCUREMENT: _Pool = (
    ("立项 → 评估 → 招标 → 决策；须列入年度预算并经财政评审，走政府采购公开招标流程。",),
    (
        "Initiation → evaluation → tender → decision; must be in the annual budget and go "
        "through public procurement.",
    ),
)

_GOALS: dict[str, _Pool] = {
    "exec": (("年度营收增长15%", "三年内完成数字化转型", "提升净利润率2个百分点",
              "在集团考核中排名前三"),
             ("Grow revenue 15% this year", "Complete the digital transformation in three years",
              "Two points more net margin", "Top three in the group's ranking")),
    "finance": (("采购成本降低5%", "月结周期缩短到5天", "控制资本性支出"),
                ("Cut procurement cost 5%", "Close the books in five days", "Hold capex flat")),
    "it": (("核心系统可用率99.9%", "信息安全零事故", "三年内完成系统整合"),
           ("99.9% uptime on core systems", "Zero security incidents",
            "Consolidate systems within three years")),
    "ops": (("产能提升10%", "一次合格率达到98%", "交付准时率95%以上"),
            ("10% more output", "98% first-pass yield", "On-time delivery above 95%")),
    "procurement": (("供应商数量精简20%", "采购周期缩短一半", "合规零问题"),
                    ("Consolidate suppliers by 20%", "Halve the purchase cycle",
                     "Clean audits")),
    "quality": (("客诉率下降30%", "通过新版质量体系认证"),
                ("Customer complaints down 30%", "Pass the new quality certification")),
    "sales": (("新客户数量增长20%", "客户满意度提升"),
              ("20% more new customers", "Higher customer satisfaction")),
    "legal": (("合同风险可控", "数据合规审查全覆盖"),
              ("No unapproved contract terms", "Every data flow reviewed for compliance")),
    "pmo": (("项目按期上线", "项目预算偏差小于5%"),
            ("Projects live on schedule", "Budget variance under 5%")),
}  # fmt: skip
_CAREER: _Pool = (
    ("今年有晋升压力", "刚上任，想做出成绩", "明年可能调任集团", "临近退休，求稳"),
    (
        "Up for promotion this year",
        "New in the role and keen to show results",
        "May move to group HQ next year",
        "Close to retirement; wants no surprises",
    ),
)
_INTERESTS: _Pool = (
    ("马拉松", "高尔夫", "钓鱼", "摄影", "品茶", "书法", "羽毛球", "自驾游", "围棋", "历史书籍",
     "足球", "红酒", "登山", "养花"),
    ("golf", "sailing", "running", "cycling", "jazz", "chess", "photography", "hiking",
     "cooking", "football", "tennis", "history podcasts", "gardening", "wine"),
)  # fmt: skip
_NEEDS_BASIC: _Pool = (
    ("价格透明，质量稳定", "响应及时的本地服务", "系统稳定可靠", "交付按期", "付款条件灵活"),
    ("Fair, transparent price", "Responsive local support", "A system that simply works",
     "Delivery on time", "Flexible payment terms"),
)  # fmt: skip
_NEEDS_PERSONAL: _Pool = (
    ("避免项目失败的风险", "希望通过项目获得晋升", "在集团内树立标杆", "不想承担选型责任",
     "维护与现有供应商的关系", "担心新系统削弱本部门的作用"),
    ("Avoid the risk of a failed project", "A visible win for the next promotion",
     "Be the group's showcase", "Not be blamed for the choice",
     "Keep the relationship with the incumbent", "Worried the new system shrinks the team's role"),
)  # fmt: skip
_NEEDS_BUSINESS: _Pool = (
    ("提升生产效率", "降低库存成本", "打通采购到付款流程", "减少人工报表", "缩短交付周期",
     "降低运维成本"),
    ("Higher productivity", "Lower inventory cost", "One procure-to-pay process",
     "Fewer manual reports", "Shorter lead times", "Lower operating cost"),
)  # fmt: skip
_NEEDS_STRATEGIC: _Pool = (
    ("支撑海外市场扩张", "打造行业领先的智能工厂", "提升核心竞争力", "数据驱动决策",
     "培育新的增长点"),
    ("Support expansion abroad", "Build an industry-leading smart operation",
     "Sharpen the competitive edge", "Decide from data", "Grow a new line of business"),
)  # fmt: skip
_NOTES_BY_ATTITUDE: dict[str, _Pool] = {
    Attitude.SUPPORTIVE: (
        ("认可我们的方案，愿意在内部推荐。", "上次拜访后主动分享了预算时间点。",
         "参加过我们的客户大会，对标杆案例印象深。"),
        ("Likes our proposal and will recommend it internally.",
         "Shared the budget timeline after the last visit.",
         "Attended our customer day; impressed by the reference case."),
    ),
    Attitude.NEUTRAL: (
        ("态度观望，关心实施风险。", "尚未单独沟通过，需要安排一次拜访。",
         "更看重价格，需要讲清总拥有成本。"),
        ("Waiting to see; worried about implementation risk.",
         "Never met one to one; plan a visit.",
         "Focused on price; walk through the total cost of ownership."),
    ),
    Attitude.OPPOSED: (
        ("与现有供应商关系密切，倾向于维持现状。",
         "担心新系统削弱本部门的话语权，需要让其参与方案评审。", "对上一期项目延期不满。"),
        ("Close to the incumbent; prefers the status quo.",
         "Fears the new system reduces the department's say; involve in the design review.",
         "Still unhappy that phase one was late."),
    ),
}  # fmt: skip
_NOTES_BY_ROLE: dict[str, _Pool] = {
    "E": (("最终拍板人，关注投资回报和风险。", "预算审批的关键一环。"),
          ("Has the final say; cares about ROI and risk.", "Key step of budget approval.")),
    "U": (("系统的直接使用者，关心易用性和效率。", "业务部门的意见领袖。"),
          ("Uses the system daily; cares about ease and speed.",
           "Opinion leader of the business side.")),
    "T": (("负责技术和合规把关，会逐条比对技术规格。", "掌握采购流程和审批节点。"),
          ("Screens specs, security and compliance line by line.",
           "Knows the purchasing steps and who signs.")),
    "C": (("内部教练，指点我们决策流程和关键人。", "愿意在内部替我们发声。"),
          ("Our coach: explains how decisions are really made.",
           "Speaks up for us internally.")),
}  # fmt: skip
_CONTACT_HINTS: _Pool = (
    ("偏好微信沟通。", "周二上午比较方便。", "出差多，先约时间。", ""),
    ("Prefers e-mail.", "Best reached on Tuesday mornings.", "Travels a lot; book ahead.", ""),
)


@dataclass(frozen=True)
class _Post:
    """A job at a customer, with the buying forces such a person usually exerts."""

    key: str
    title_zh: str
    title_en: str
    dept_zh: str
    dept_en: str
    level: Level
    function: str
    forces: tuple[str, ...]


_EXEC, _MIDDLE, _STAFF = Level.EXECUTIVE, Level.MIDDLE, Level.STAFF
_POSTS: tuple[_Post, ...] = (
    _Post("ceo", "总经理", "CEO", "总经理办公室", "Executive Office", _EXEC, "exec", ("E-DB",)),
    _Post("deputy", "副总经理", "COO", "总经理办公室", "Executive Office", _EXEC, "exec",
          ("E-PB",)),
    _Post("cfo", "财务总监", "CFO", "财务部", "Finance", _EXEC, "finance", ("E-PB", "T-FB")),
    _Post("cio", "信息总监", "CIO", "信息中心", "IT", _EXEC, "it", ("E-PB", "T-CA")),
    _Post("procurement_mgr", "采购经理", "Procurement Manager", "采购部", "Procurement",
          _MIDDLE, "procurement", ("T-AB",)),
    _Post("it_mgr", "IT 经理", "IT Manager", "信息中心", "IT", _MIDDLE, "it", ("T-CA",)),
    _Post("ops_mgr", "生产经理", "Production Manager", "生产部", "Production", _MIDDLE, "ops",
          ("U-WB",)),
    _Post("finance_mgr", "财务经理", "Finance Manager", "财务部", "Finance", _MIDDLE,
          "finance", ("T-FB",)),
    _Post("quality_mgr", "质量经理", "Quality Manager", "质量部", "Quality", _MIDDLE,
          "quality", ("T-CA", "U-BB")),
    _Post("sales_dir", "销售总监", "Head of Sales", "销售部", "Sales", _MIDDLE, "sales",
          ("U-BB",)),
    _Post("legal", "法务经理", "Legal Counsel", "法务部", "Legal", _MIDDLE, "legal", ("T-AB",)),
    _Post("pm", "项目经理", "Project Manager", "项目管理部", "PMO", _MIDDLE, "pmo",
          ("U-WB", "C-CA")),
    _Post("office_dir", "总经办主任", "Head of the CEO Office", "总经理办公室",
          "Executive Office", _MIDDLE, "exec", ("C-CO",)),
    _Post("buyer", "采购专员", "Buyer", "采购部", "Procurement", _STAFF, "procurement",
          ("T-AB",)),
    _Post("engineer", "系统工程师", "Systems Engineer", "信息中心", "IT", _STAFF, "it",
          ("T-CA", "U-WB", "C-CA")),
    _Post("ops_staff", "生产计划员", "Production Planner", "生产部", "Production", _STAFF,
          "ops", ("U-WB",)),
    _Post("accountant", "会计", "Accountant", "财务部", "Finance", _STAFF, "finance", ("T-FB",)),
    _Post("analyst", "业务分析师", "Business Analyst", "运营部", "Operations", _STAFF, "ops",
          ("U-BB", "C-CA")),
    _Post("assistant", "总经理助理", "Executive Assistant", "总经理办公室", "Executive Office",
          _STAFF, "exec", ("C-CO",)),
)  # fmt: skip
_POST_BY_KEY: dict[str, _Post] = {post.key: post for post in _POSTS}
_GROUP_POSTS: tuple[_Post, ...] = (
    _Post("chair", "董事长", "Chairman", "董事会", "Board", _EXEC, "exec", ("E-DB",)),
    _Post("group_cfo", "集团财务总监", "Group CFO", "集团财务部", "Group Finance", _EXEC,
          "finance", ("E-PB", "T-FB")),
    _Post("group_procurement", "集团采购中心总监", "Head of Group Procurement",
          "集团采购中心", "Group Procurement", _MIDDLE, "procurement", ("T-AB",)),
)  # fmt: skip

#: Industry wording of the top job and of operations (a bank has no production line).
#: The top office as each kind of organisation words it: a bank has a 行长, a bureau a
#: 局长, a hospital a 院长. Keyed by ``_office_kind``; each entry gives (Chinese, English)
#: for the department and for the ceo, deputy, office_dir and assistant posts.
_OFFICE_WORDING: dict[str, dict[str, tuple[str, str]]] = {
    "bank": {"dept": ("行长办公室", "Executive Office"), "ceo": ("行长", "President"),
             "deputy": ("副行长", "Vice President"), "office_dir": ("行长办主任", "Chief of Staff"),
             "assistant": ("行长助理", "Executive Assistant")},
    "finance": {"dept": ("总裁办公室", "Executive Office"), "ceo": ("总裁", "CEO"),
                "deputy": ("副总裁", "Deputy CEO"), "office_dir": ("总裁办主任", "Chief of Staff"),
                "assistant": ("总裁助理", "Executive Assistant")},
    "government": {"dept": ("局办公室", "Director's Office"), "ceo": ("局长", "Director General"),
                   "deputy": ("副局长", "Deputy Director General"),
                   "office_dir": ("办公室主任", "Head of the Director's Office"),
                   "assistant": ("局长秘书", "Executive Assistant")},
    "healthcare": {"dept": ("院长办公室", "Director's Office"),
                   "ceo": ("院长", "Hospital Director"), "deputy": ("副院长", "Deputy Director"),
                   "office_dir": ("院办主任", "Head of the Director's Office"),
                   "assistant": ("院长助理", "Executive Assistant")},
    "education": {"dept": ("校长办公室", "President's Office"), "ceo": ("校长", "President"),
                  "deputy": ("副校长", "Vice President"),
                  "office_dir": ("校办主任", "Head of the President's Office"),
                  "assistant": ("校长助理", "Executive Assistant")},
    "manufacturing": {"ceo": ("总经理", "General Manager")},
}  # fmt: skip


def _office_kind(industry: str, name: str) -> str:
    """Which top-office wording fits: banks differ from the rest of finance."""
    if industry == "finance" and ("银行" in name or "Bank" in name):
        return "bank"
    if industry == "healthcare" and not ("医院" in name or "Hospital" in name):
        return "company"
    if industry == "education" and not any(w in name for w in ("学院", "学校", "大学")):
        return "company"
    return industry


_OPS_WORDING: dict[str, tuple[str, str, str, str, str, str]] = {
    # manager (zh, en), department (zh, en), staff (zh, en)
    "finance": ("运营管理部经理", "Head of Operations", "运营管理部", "Operations",
                "运营专员", "Operations Officer"),
    "government": ("业务处处长", "Head of Services", "业务处", "Services",
                   "科员", "Case Officer"),
    "healthcare": ("医务处主任", "Head of Medical Affairs", "医务处", "Medical Affairs",
                   "护士长", "Head Nurse"),
    "retail": ("门店运营经理", "Store Operations Manager", "运营部", "Store Operations",
               "门店主管", "Store Supervisor"),
    "logistics": ("仓储运营经理", "Warehouse Operations Manager", "运营部", "Operations",
                  "调度员", "Dispatcher"),
    "education": ("教务处处长", "Head of Academic Affairs", "教务处", "Academic Affairs",
                  "教务员", "Registrar"),
    "internet": ("产品总监", "Head of Product", "产品部", "Product",
                 "产品经理", "Product Manager"),
    "telecom": ("网络运维经理", "Network Operations Manager", "网络部", "Network",
                "运维工程师", "Network Engineer"),
    "energy": ("生产运行经理", "Plant Operations Manager", "生产运行部", "Plant Operations",
               "值班工程师", "Shift Engineer"),
}  # fmt: skip
#: Industries with no sales department to speak of.
_NO_SALES: frozenset[str] = frozenset({"government", "healthcare", "education"})

#: How people in each force tend to stand towards us (supportive, neutral, opposed).
_ATTITUDE_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "E-DB": (35, 50, 15),
    "E-PB": (35, 45, 20),
    "U-WB": (50, 35, 15),
    "U-BB": (35, 45, 20),
    "T-CA": (30, 45, 25),
    "T-FB": (25, 55, 20),
    "T-AB": (25, 50, 25),
    "C-CO": (90, 10, 0),
    "C-CA": (85, 15, 0),
}
_ATTITUDES: tuple[Attitude, ...] = (Attitude.SUPPORTIVE, Attitude.NEUTRAL, Attitude.OPPOSED)
_INFLUENCE: dict[str, tuple[int, int]] = {
    "E-DB": (5, 5), "E-PB": (4, 5), "U-WB": (3, 4), "U-BB": (2, 3), "T-CA": (3, 4),
    "T-FB": (3, 4), "T-AB": (2, 4), "C-CO": (2, 3), "C-CA": (2, 3),
}  # fmt: skip


def _pick(rng: random.Random, pool: _Pool, zh: bool) -> str:
    return rng.choice(pool[0] if zh else pool[1])


def _pick_some(rng: random.Random, pool: _Pool, zh: bool, low: int, high: int) -> str:
    options = pool[0] if zh else pool[1]
    chosen = rng.sample(options, min(len(options), rng.randint(low, high)))
    return ("；" if zh else "; ").join(chosen)


def _weighted(rng: random.Random, options: Sequence[str], weights: Sequence[int]) -> str:
    return rng.choices(options, weights=weights)[0]


# ---------------------------------------------------------------------------------------
# Our team
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MemberSeed:
    key: str
    name: str
    email_local: str
    role: str
    title: str
    level: Level
    zh: bool


_TEAM: tuple[_MemberSeed, ...] = (
    _MemberSeed("zhou", "周建国", "zhou.jianguo", "executive_sponsor", "销售副总裁", _EXEC, True),
    _MemberSeed("brown", "Michael Brown", "michael.brown", "executive_sponsor",
                "VP International Sales", _EXEC, False),
    _MemberSeed("wang", "王磊", "wang.lei", "account_manager", "高级客户经理", _MIDDLE, True),
    _MemberSeed("carter", "Emily Carter", "emily.carter", "account_manager",
                "Key Account Director", _MIDDLE, False),
    _MemberSeed("li", "李娜", "li.na", "account_manager", "客户经理", _STAFF, True),
    _MemberSeed("chen", "陈浩", "chen.hao", "solution_manager", "解决方案经理", _MIDDLE, True),
    _MemberSeed("lin", "David Lin", "david.lin", "solution_manager", "Solutions Engineer",
                _STAFF, False),
    _MemberSeed("zhao", "赵敏", "zhao.min", "delivery_manager", "交付经理", _MIDDLE, True),
    _MemberSeed("liu", "刘洋", "liu.yang", "other", "商务经理（合同与定价）", _STAFF, True),
)  # fmt: skip

_ROLE_TITLES: dict[str, tuple[str, str]] = {
    "account_manager": ("客户经理", "Account Manager"),
    "solution_manager": ("解决方案经理", "Solution Manager"),
    "delivery_manager": ("交付经理", "Delivery Manager"),
    "executive_sponsor": ("大区总经理", "Regional Director"),
    "other": ("商务专员", "Sales Operations"),
}


@dataclass
class _Team:
    """Our side: the members, and who can own or cover what."""

    members: list[TeamMember] = field(default_factory=list)
    by_key: dict[str, TeamMember] = field(default_factory=dict)
    by_id: dict[str, TeamMember] = field(default_factory=dict)
    zh_of: dict[str, bool] = field(default_factory=dict)
    _roles: dict[tuple[str, bool | None], list[TeamMember]] = field(default_factory=dict)

    def add(self, member: TeamMember, zh: bool, key: str | None = None) -> None:
        self.members.append(member)
        self.by_id[member.id] = member
        self.zh_of[member.id] = zh
        self._roles.clear()
        if key is not None:
            self.by_key[key] = member

    def with_role(self, role: str, zh: bool | None = None) -> list[TeamMember]:
        """Members in ``role``, of one language when ``zh`` is given.

        Cached: a large book asks this for every account.
        """
        found = self._roles.get((role, zh))
        if found is None:
            found = [
                m for m in self.members if m.role == role and (zh is None or self.zh_of[m.id] == zh)
            ]
            self._roles[(role, zh)] = found
        return found

    def any_with_role(self, role: str, zh: bool) -> list[TeamMember]:
        """Members in ``role`` of the account's language, else of any language."""
        return self.with_role(role, zh) or self.with_role(role)


def _phone_zh(rng: random.Random) -> str:
    prefix = f"1{rng.choice('35789')}{rng.randint(0, 9)}"
    return f"{prefix} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"


def _phone_en(rng: random.Random, currency: str) -> str:
    if currency == "EUR":
        return f"+49 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if currency == "CNY":
        return f"+86 21 {rng.randint(5000, 6999)} {rng.randint(1000, 9999)}"
    # 555-0100 to 555-0199 are the North American numbers reserved for fiction.
    return f"+1 {rng.choice(('212', '312', '415', '617'))} 555 01{rng.randint(0, 99):02d}"


def _zh_name(rng: random.Random) -> tuple[str, str]:
    surname, surname_py = rng.choice(_SURNAMES)
    given = rng.sample(_GIVEN_CHARS, 1 if rng.random() < 0.3 else 2)
    return surname + "".join(c for c, _p in given), f"{surname_py}.{''.join(p for _c, p in given)}"


def _en_name(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    local = f"{first}.{last}".lower().replace(" ", "")
    return f"{first} {last}", local


def _make_team(rng: random.Random, accounts: int) -> _Team:
    """The nine people of the default demo, plus more when the book is large.

    A real team keeps a few dozen key accounts per account manager, so a large book
    gets one more member per 25 accounts beyond the first 30.
    """
    team = _Team()
    for seed in _TEAM:
        member = TeamMember(
            name=seed.name,
            role=seed.role,
            title=seed.title,
            level=seed.level.value,
            email=f"{seed.email_local}@example.com",
            phone=_phone_zh(rng) if seed.zh else _phone_en(rng, "USD"),
        )
        team.add(member, seed.zh, seed.key)
    roles: tuple[str, ...] = ("account_manager",) * 10 + ("solution_manager",) * 4
    roles += ("delivery_manager",) * 3 + ("executive_sponsor", "other", "other")
    used = {m.name for m in team.members}
    for _i in range(max(0, accounts - 30) // 25):
        zh = rng.random() < 0.6
        for _attempt in range(20):
            name, local = _zh_name(rng) if zh else _en_name(rng)
            if name not in used:
                break
        used.add(name)
        role = rng.choice(roles)
        level = (
            _EXEC.value
            if role == "executive_sponsor"
            else _weighted(rng, (_MIDDLE.value, _STAFF.value), (60, 40))
        )
        title_zh, title_en = _ROLE_TITLES[role]
        member = TeamMember(
            name=name,
            role=role,
            title=title_zh if zh else title_en,
            level=level,
            email=f"{local}@example.com",
            phone=_phone_zh(rng) if zh else _phone_en(rng, "USD"),
        )
        team.add(member, zh)
    return team


# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AccountSeed:
    """One hand-shaped account of the default demo; empty fields are generated."""

    key: str
    name: str
    zh: bool
    industry: str
    org_level: OrgLevel = OrgLevel.STANDALONE
    parent: str | None = None
    currency: str = "CNY"
    own_purchasing: bool = False
    lifecycle: str = "mature"
    #: "" for a prospect or a group (a group's tier follows its best member).
    tier: str = ""
    #: Yearly revenue with us in major units of ``currency``; 0 for none yet. Set by hand
    #: so that the 30 accounts split about 80/15/5 % across tiers A/B/C.
    revenue: int = 0
    owner: str | None = None
    domain: str = ""
    notes: str = ""
    pain_points: str = ""
    incumbents: str = ""
    competitors: str = ""
    decision_mode: str = ""
    #: Chinese staff at an account run in English (a foreign group's Chinese subsidiary).
    people_zh: bool | None = None
    since: int = 0


_G, _HQ, _BR, _SUB = OrgLevel.GROUP, OrgLevel.HEADQUARTERS, OrgLevel.BRANCH, OrgLevel.SUBSIDIARY

_SEEDS: tuple[_AccountSeed, ...] = (
    _AccountSeed(
        "hd", "华东制造集团", True, "manufacturing", _G, lifecycle="strategic", owner="wang",
        domain="hdmfg", decision_mode="mixed", since=2019,
        notes="集团下设总部和苏州、无锡、宁波三家分公司。2024年集团要求各分公司统一采购同一平台："
        "苏州分公司（有独立采购权）选择了我们，无锡分公司跟随集团框架买了启明科技，宁波分公司仍在评估。"
        "集团视图里要盯住空白点。",
        competitors="启明科技、蓝海软件",
    ),
    _AccountSeed(
        "hd_hq", "华东制造集团总部", True, "manufacturing", _HQ, "hd", lifecycle="strategic",
        tier="A", revenue=18_600_000, owner="wang", domain="hdmfg", decision_mode="mixed",
        since=2019,
        notes="集团信息化由总部信息中心统筹，预算每年11月上报、次年3月批复。MES一期已上线，"
        "二期（质量追溯）正在立项；总经理尚未单独拜访，先请总经办主任引荐。",
        pain_points="各工厂系统不统一，数据口径不一致；质量问题追溯要花好几天；集团管控要求越来越细",
        incumbents="蓝海软件（ERP，满意度一般，合同2026年6月到期）",
        competitors="蓝海软件、启明科技、Vantage Systems",
    ),
    _AccountSeed(
        "hd_sz", "华东制造集团苏州分公司", True, "manufacturing", _BR, "hd",
        own_purchasing=True, tier="B", revenue=3_900_000, owner="li", domain="hdmfg", since=2023,
        notes="有独立采购权，2023年自主采购了我们的平台，是集团内的标杆案例；"
        "可邀请无锡、宁波分公司来苏州工厂参观。",
    ),
    _AccountSeed(
        "hd_wx", "华东制造集团无锡分公司", True, "manufacturing", _BR, "hd",
        lifecycle="prospect", owner="li", domain="hdmfg",
        notes="去年跟随集团框架从启明科技采购了同类系统，我们当时没有察觉（空白点）。"
        "合同2026年到期，需提前布局，先从生产部找教练。",
        incumbents="启明科技（MES，满意度较低，上线延期三个月）",
    ),
    _AccountSeed(
        "hd_nb", "华东制造集团宁波分公司", True, "manufacturing", _BR, "hd",
        own_purchasing=True, lifecycle="new", tier="C", revenue=650_000, owner="li",
        domain="hdmfg", since=2025,
        notes="有独立采购权，今年试点了一条产线；厂长对苏州案例很感兴趣，正在评估二期扩容。",
    ),
    _AccountSeed(
        "xb", "西部能源集团", True, "energy", _G, owner="wang", domain="xbenergy",
        decision_mode="centralised", since=2020,
        notes="集团化管控，重大采购由总部集中招标；子公司有小额自主采购权限。",
    ),
    _AccountSeed(
        "xb_hq", "西部能源集团总部", True, "energy", _HQ, "xb", tier="A", revenue=26_500_000,
        owner="wang",
        domain="xbenergy", decision_mode="centralised", since=2020,
        notes="与我们签有三年框架协议。新任信息总监来自互联网公司，倾向自研，需要重建关系。",
    ),
    _AccountSeed(
        "xb_cd", "西部能源集团成都分公司", True, "energy", _BR, "xb", tier="B", revenue=3_200_000,
        owner="li",
        domain="xbenergy", since=2021,
        notes="执行总部框架协议，设备巡检项目由分公司提需求，总部审批。",
    ),
    _AccountSeed(
        "xb_xa", "西部能源西安新能源有限公司", True, "energy", _SUB, "xb", own_purchasing=True,
        lifecycle="new", tier="C", revenue=820_000, owner="li", domain="xbnewenergy", since=2025,
        notes="独立法人子公司，光伏电站运维项目刚签首单。",
    ),
    _AccountSeed(
        "nw", "Northwind Logistics Group", False, "logistics", _G, currency="USD",
        lifecycle="strategic", owner="carter", domain="northwind", decision_mode="mixed",
        since=2018,
        notes="Group with a US headquarters and branches in Rotterdam and Singapore. "
        "Singapore buys under the HQ contract; Rotterdam has its own budget.",
    ),
    _AccountSeed(
        "nw_hq", "Northwind Logistics HQ", False, "logistics", _HQ, "nw", currency="USD",
        lifecycle="strategic", tier="A", revenue=3_100_000, owner="carter", domain="northwind",
        since=2018,
        notes="Three-year enterprise agreement renewed in March. The new COO wants one "
        "tracking platform for all regions by next year.",
    ),
    _AccountSeed(
        "nw_rt", "Northwind Logistics Rotterdam", False, "logistics", _BR, "nw",
        currency="EUR", own_purchasing=True, tier="B", revenue=420_000, owner="carter",
        domain="northwind",
        since=2021,
        notes="Own purchasing authority and its own budget; compares every renewal with "
        "local vendors.",
    ),
    _AccountSeed(
        "nw_sg", "Northwind Logistics Singapore", False, "logistics", _BR, "nw",
        currency="USD", lifecycle="new", tier="C", revenue=95_000, owner="carter",
        domain="northwind",
        since=2024, people_zh=True,
        notes="Rolled out under the HQ contract last year; the local team speaks Mandarin "
        "and prefers WeChat.",
    ),
    _AccountSeed(
        "atlas", "Atlas Medical Holdings", False, "healthcare", _G, currency="EUR",
        owner="carter", domain="atlasmed", decision_mode="decentralised", since=2022,
        notes="European medical-device group; each subsidiary buys on its own.",
    ),
    _AccountSeed(
        "atlas_hq", "Atlas Medical HQ", False, "healthcare", _HQ, "atlas", currency="EUR",
        tier="B", revenue=380_000, owner="carter", domain="atlasmed", since=2022,
        notes="Group IT sets the standards; the Shanghai plant must follow them but has its "
        "own budget.",
    ),
    _AccountSeed(
        "atlas_sh", "Atlas Medical (Shanghai) Co., Ltd.", False, "healthcare", _SUB, "atlas",
        own_purchasing=True, lifecycle="new", tier="C", revenue=760_000, owner="li",
        domain="atlasmed",
        since=2025, people_zh=True,
        notes="Chinese subsidiary; English reporting to Europe, Chinese day to day. "
        "First order signed locally in 2025.",
    ),
    _AccountSeed(
        "jnbank", "江南商业银行", True, "finance", lifecycle="strategic", tier="A",
        revenue=21_800_000,
        owner="wang", domain="jnbank", decision_mode="mixed", since=2017,
        notes="合作八年的战略客户。今年监管检查后，科技部要求所有系统通过等保三级复测。",
    ),
    _AccountSeed(
        "xingyun", "星云互联网科技有限公司", True, "internet", tier="B", revenue=2_700_000,
        owner="wang",
        domain="xingyun", decision_mode="decentralised", since=2022,
        notes="按季度做预算，各产品线自己选型；研发负责人换了三任，关系需要重新梳理。",
    ),
    _AccountSeed(
        "jiangbei", "江北市数据资源管理局", True, "government", lifecycle="new", tier="C",
        revenue=540_000,
        owner="li", domain="jiangbei-gov", decision_mode="centralised", since=2025,
        notes="一网通办二期项目已纳入明年预算，需配合做好信创适配证明材料。",
    ),
    _AccountSeed(
        "huakang", "华康中心医院", True, "healthcare", tier="B", revenue=3_500_000, owner="li",
        domain="hkhospital",
        since=2021,
        notes="耗材管理项目运行稳定；院长关注医保控费，信息科主任对接口开放有顾虑。",
    ),
    _AccountSeed(
        "huimin", "惠民连锁超市有限公司", True, "retail", tier="C", revenue=480_000, owner="li",
        domain="huimin", since=2020,
        notes="合作多年但规模不大；门店扩张计划可能带来增量。",
    ),
    _AccountSeed(
        "shunda", "顺达物流股份有限公司", True, "logistics", lifecycle="new", tier="C",
        revenue=900_000,
        owner="wang", domain="shunda", since=2024,
        notes="首个仓储项目刚上线，运营总监是我们的支持者。",
    ),
    _AccountSeed(
        "donghai", "东海职业技术学院", True, "education", lifecycle="prospect",
        domain="dhvc", decision_mode="centralised",
        notes="尚未分配客户经理。学院明年申报智慧校园项目，预算待批。",
    ),
    _AccountSeed(
        "nanling", "南岭通信股份有限公司", True, "telecom", tier="B", revenue=2_600_000,
        owner="wang",
        domain="nanling", since=2019,
        notes="网络运维外包合同明年到期，竞争对手已在接触运维部。",
    ),
    _AccountSeed(
        "jinqiao", "金桥证券股份有限公司", True, "finance", lifecycle="new", tier="C",
        revenue=590_000,
        owner="li", domain="jqsec", since=2025,
        notes="合规部牵头的数据治理项目刚启动。",
    ),
    _AccountSeed(
        "haichuan", "海川汽车零部件有限公司", True, "manufacturing", tier="C", revenue=720_000,
        owner="li",
        domain="haichuan", since=2021,
        notes="主机厂降价压力传导过来，采购部要求年降3%。",
    ),
    _AccountSeed(
        "brightwater", "Brightwater Bank", False, "finance", currency="USD",
        lifecycle="strategic", tier="A", revenue=2_400_000, owner="carter", domain="brightwater",
        decision_mode="mixed", since=2016,
        notes="Reference customer in banking; the CIO speaks at our customer day. Risk "
        "committee reviews every vendor each October.",
    ),
    _AccountSeed(
        "helios", "Helios Solar GmbH", False, "energy", currency="EUR", lifecycle="new",
        tier="C", revenue=70_000, owner="carter", domain="helios-solar", since=2025,
        notes="Pilot at two solar parks; the head of operations wants results before winter.",
    ),
    _AccountSeed(
        "meridian", "Meridian Retail Inc.", False, "retail", currency="USD", tier="C",
        revenue=65_000,
        owner="carter", domain="meridian", since=2020,
        notes="Small but steady; store expansion in the Midwest could double the volume.",
    ),
    _AccountSeed(
        "orbital", "Orbital Telecom", False, "telecom", currency="USD", lifecycle="prospect",
        owner="carter", domain="orbitaltel", decision_mode="decentralised",
        notes="Met the network operations team at a conference; the incumbent contract ends "
        "next year.",
        incumbents="Kestrel Software (managed services; unhappy with slow support)",
    ),
)  # fmt: skip


@dataclass
class _Bundle:
    """One account with its people, coverage and deals, ready to add to a session."""

    account: Account
    stakeholders: list[Stakeholder]
    coverage: list[Coverage]
    deals: list[Opportunity] = field(default_factory=list)
    stage_changes: list[StageChange] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    visits: VisitRows = field(default_factory=VisitRows)


@dataclass
class _AccountDraft:
    """What the generator knows about an account before it becomes a model object."""

    name: str
    zh: bool
    people_zh: bool
    industry: str
    org_level: OrgLevel
    currency: str
    domain: str
    lifecycle: str
    parent_id: str | None = None
    own_purchasing: bool = False
    tier: str = ""
    #: Where the account sits in the revenue distribution (0 = biggest), or None when it
    #: brings no revenue yet.
    quantile: float | None = None
    #: Revenue set by hand (major units), used instead of ``quantile``.
    revenue_major: int = 0
    owner_id: str | None = None
    since: int = 0
    notes: str = ""
    pain_points: str = ""
    incumbents: str = ""
    competitors: str = ""
    decision_mode: str = ""
    seed_key: str = ""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def _tier_of(quantile: float) -> str:
    """ABC by rank: A the top 20 %, B the next 30 %, C the last half (二八法则)."""
    return "A" if quantile < 0.2 else "B" if quantile < 0.5 else "C"


def _revenue_minor(quantile: float, currency: str, rng: random.Random) -> int:
    """Yearly revenue at a Pareto quantile, in minor units, rounded to thousands."""
    cny = _REVENUE_FLOOR_CNY * float(quantile ** (-1 / _PARETO_ALPHA)) * rng.uniform(0.9, 1.1)
    major = cny / _CNY_PER_UNIT[currency]
    return round(major / 1000) * 1000 * 100


def _fill_texts(rng: random.Random, draft: _AccountDraft) -> None:
    """Profile text in the account's own language, where the seed left it empty."""
    zh = draft.zh
    if not draft.pain_points:
        draft.pain_points = _pick_some(rng, _PAIN_POINTS[draft.industry], zh, 1, 3)
    vendors = list(_COMPETITORS_ZH + _COMPETITORS_EN) if zh else list(_COMPETITORS_EN)
    if not draft.incumbents:
        count = 0 if draft.lifecycle == "prospect" and rng.random() < 0.3 else rng.randint(1, 2)
        lines = []
        for vendor in rng.sample(vendors, count):
            product = _pick(rng, _PRODUCTS, zh)
            happy = _pick(rng, _SATISFACTION, zh)
            year = rng.randint(2025, 2028)
            if zh:
                lines.append(
                    f"{vendor}（{product}，{happy}，合同{year}年{rng.randint(1, 12)}月到期）"
                )
            else:
                ends = f"{rng.choice(_MONTHS_EN)} {year}"
                lines.append(f"{vendor} ({product}; {happy}; contract ends {ends})")
        draft.incumbents = "\n".join(lines)
    if not draft.competitors:
        draft.competitors = ("、" if zh else ", ").join(rng.sample(vendors, rng.randint(2, 4)))
    if not draft.notes:
        parts = []
        if draft.since:
            parts.append(_pick(rng, _SINCE, zh).format(year=draft.since))
        parts.append(_pick(rng, _SITUATION[draft.lifecycle], zh))
        milestone = _pick(rng, _MILESTONES, zh)
        month = rng.randint(1, 12)
        parts.append(
            f"下一步：{month}月前完成{milestone}。"
            if zh
            else f"Next step: {milestone} by {_MONTHS_EN[month - 1]}."
        )
        draft.notes = ("" if zh else " ").join(parts)


def _procurement_text(rng: random.Random, draft: _AccountDraft, mode: str) -> str:
    if draft.industry == "government":
        return _pick(rng, _GOV_PROCUREMENT, draft.zh)
    amount = rng.choice((50, 100, 200, 500))
    return _pick(rng, _PROCUREMENT[mode], draft.zh).format(amount=amount)


def _decision_mode(rng: random.Random, draft: _AccountDraft) -> str:
    if draft.decision_mode:
        return draft.decision_mode
    if draft.industry in ("government", "education"):
        return _weighted(rng, ("centralised", "mixed"), (70, 30))
    if draft.industry == "internet":
        return _weighted(rng, ("decentralised", "mixed"), (60, 40))
    if draft.org_level in (OrgLevel.GROUP, OrgLevel.HEADQUARTERS):
        return "mixed"
    return _weighted(rng, ("centralised", "decentralised", "mixed"), (35, 20, 45))


def _budget_cycle(rng: random.Random, industry: str) -> str:
    if industry in ("government", "education"):
        return "annual"
    if industry == "internet":
        return _weighted(rng, ("quarterly", "annual"), (60, 40))
    return _weighted(rng, ("annual", "quarterly", "project"), (65, 15, 20))


def _strategy(rng: random.Random, lifecycle: str) -> str:
    if lifecycle == "prospect":
        return _weighted(rng, ("expand", "transform"), (60, 40))
    return _weighted(rng, ("expand", "stabilise", "transform"), (45, 35, 20))


def _to_account(rng: random.Random, draft: _AccountDraft) -> Account:
    _fill_texts(rng, draft)
    mode = _decision_mode(rng, draft)
    revenue = potential = None
    if draft.revenue_major:
        revenue = draft.revenue_major * 100
    elif draft.quantile is not None:
        revenue = _revenue_minor(draft.quantile, draft.currency, rng)
    if revenue is not None:
        potential = round(revenue * rng.uniform(1.3, 3.0) / 100_000) * 100_000
    elif draft.org_level is not OrgLevel.GROUP:
        potential = _revenue_minor(rng.uniform(0.05, 0.6), draft.currency, rng)
    return Account(
        id=draft.id,
        name=draft.name,
        parent_id=draft.parent_id,
        org_level=draft.org_level.value,
        own_purchasing=draft.own_purchasing,
        industry=draft.industry,
        tier=draft.tier,
        lifecycle_stage=draft.lifecycle,
        decision_mode=mode,
        owner_id=draft.owner_id,
        currency=draft.currency,
        annual_revenue_minor=revenue,
        potential_revenue_minor=potential,
        procurement_process=_procurement_text(rng, draft, mode),
        budget_cycle=_budget_cycle(rng, draft.industry),
        pain_points=draft.pain_points,
        strategy=_strategy(rng, draft.lifecycle),
        incumbent_suppliers=draft.incumbents,
        competitors=draft.competitors,
        notes=draft.notes,
    )


def _seed_drafts(rng: random.Random, team: _Team, count: int) -> list[_AccountDraft]:
    """The hand-shaped accounts (the first ``count`` of them), parents before children."""
    drafts: list[_AccountDraft] = []
    ids: dict[str, _AccountDraft] = {}
    for seed in _SEEDS[:count]:
        owner = team.by_key[seed.owner].id if seed.owner else None
        draft = _AccountDraft(
            name=seed.name,
            zh=seed.zh,
            people_zh=seed.zh if seed.people_zh is None else seed.people_zh,
            industry=seed.industry,
            org_level=seed.org_level,
            currency=seed.currency,
            domain=seed.domain,
            lifecycle=seed.lifecycle,
            parent_id=ids[seed.parent].id if seed.parent else None,
            own_purchasing=seed.own_purchasing,
            tier=seed.tier,
            revenue_major=seed.revenue,
            owner_id=owner,
            since=seed.since,
            notes=seed.notes,
            pain_points=seed.pain_points,
            incumbents=seed.incumbents,
            competitors=seed.competitors,
            decision_mode=seed.decision_mode,
            seed_key=seed.key,
        )
        ids[seed.key] = draft
        drafts.append(draft)
    _tier_groups(drafts)
    return drafts


def _tier_groups(drafts: list[_AccountDraft]) -> None:
    """A group takes the tier of its best member: its weight is its members' weight."""
    best: dict[str, str] = {}
    for draft in drafts:
        if draft.parent_id and draft.tier:
            current = best.get(draft.parent_id, "Z")
            best[draft.parent_id] = min(current, draft.tier)
    for draft in drafts:
        if draft.org_level is OrgLevel.GROUP and draft.id in best:
            draft.tier = best[draft.id]


class _Namer:
    """Distinct names for generated accounts, so a large book reads like a real one."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def claim(self, name: str) -> str:
        """``name`` if free, else ``name 2``, ``name 3``…; the result is taken."""
        serial, candidate = 2, name
        while candidate in self.taken:
            candidate = f"{name} {serial}"
            serial += 1
        self.taken.add(candidate)
        return candidate

    def unique(self, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        """A fresh (name, domain) from ``make``, retried a few times before numbering."""
        for _attempt in range(30):
            name, domain = make()
            if name not in self.taken:
                break
        return self.claim(name), domain

    def brand_zh(self, rng: random.Random) -> tuple[str, str]:
        first, second = rng.sample(_BRAND_CHARS, 2)
        return first[0] + second[0], first[1] + second[1]

    def brand_en(self, rng: random.Random) -> str:
        return rng.choice(_EN_BRAND_HEADS) + rng.choice(_EN_BRAND_TAILS)

    def company_zh(self, rng: random.Random, industry: str) -> tuple[str, str]:
        def make() -> tuple[str, str]:
            city, city_py = rng.choice(_CITIES)
            if industry == "government":
                district = rng.choice(_ZH_DISTRICTS)
                return f"{city}市{district}{rng.choice(_ZH_BUREAUS)}", f"{city_py}-gov"
            brand, brand_py = self.brand_zh(rng)
            return f"{city}{brand}{rng.choice(_ZH_COMPANY_WORDS[industry])}", brand_py

        return self.unique(make)

    def company_en(self, rng: random.Random, industry: str, currency: str) -> tuple[str, str]:
        def make() -> tuple[str, str]:
            if industry == "government":
                town = rng.choice(_EN_TOWNS)
                return f"City of {town} {rng.choice(_EN_GOV_DEPARTMENTS)}", f"{town.lower()}-gov"
            brand = self.brand_en(rng)
            word = rng.choice(_EN_COMPANY_WORDS[industry])
            suffix = rng.choice(_EN_SUFFIXES[currency])
            return f"{brand} {word} {suffix}".strip(), brand.lower()

        return self.unique(make)


def _pick_owner(rng: random.Random, team: _Team, zh: bool) -> str:
    managers = team.any_with_role("account_manager", zh)
    return rng.choice(managers).id


def _generated_drafts(
    rng: random.Random, team: _Team, namer: _Namer, remaining: int
) -> list[_AccountDraft]:
    """One generated unit: a standalone account, or a group with its HQ and branches."""
    zh = rng.random() < 0.6
    industry = _weighted(rng, _INDUSTRIES, _INDUSTRY_WEIGHTS)
    currency = "CNY" if zh else _weighted(rng, ("USD", "EUR", "CNY"), (55, 35, 10))
    owner = _pick_owner(rng, team, zh)

    def revenue_fields(draft: _AccountDraft) -> _AccountDraft:
        if rng.random() < 0.1:
            draft.lifecycle = "prospect"
        else:
            draft.quantile = rng.uniform(0.0001, 1.0)
            draft.tier = _tier_of(draft.quantile)
            draft.since = rng.randint(2012, 2025)
            stages = {"A": (50, 45, 5), "B": (15, 65, 20), "C": (5, 55, 40)}[draft.tier]
            draft.lifecycle = _weighted(rng, ("strategic", "mature", "new"), stages)
        return draft

    if remaining < 3 or rng.random() > 0.1 or industry == "government":
        name, domain = (
            namer.company_zh(rng, industry) if zh else namer.company_en(rng, industry, currency)
        )
        draft = _AccountDraft(
            name, zh, zh, industry, OrgLevel.STANDALONE, currency, domain, "", owner_id=owner
        )
        return [revenue_fields(draft)]

    def make_group() -> tuple[str, str]:
        if zh:
            brand_zh, pinyin = namer.brand_zh(rng)
            return f"{brand_zh}集团", pinyin
        brand_en = namer.brand_en(rng)
        return f"{brand_en} Group", brand_en.lower()

    # A fresh brand per group, so its HQ and branches are named after it alone.
    group_name, domain = namer.unique(make_group)
    brand = group_name.removesuffix("集团").removesuffix(" Group")
    group = _AccountDraft(
        group_name, zh, zh, industry, OrgLevel.GROUP, currency, domain, "", owner_id=owner
    )
    group.since = rng.randint(2012, 2025)
    hq_name = f"{group_name}总部" if zh else f"{brand} Headquarters"
    members = [
        revenue_fields(
            _AccountDraft(
                namer.claim(hq_name), zh, zh, industry,
                OrgLevel.HEADQUARTERS, currency, domain, "", parent_id=group.id, owner_id=owner,
            )
        )
    ]  # fmt: skip
    branch_count = min(remaining - 2, rng.randint(2, 5))
    places = (
        [(city, "CNY") for city, _py in rng.sample(_CITIES, branch_count)]
        if zh
        else rng.sample(_EN_BRANCH_CITIES, branch_count)
    )
    for city, branch_currency in places:
        # A branch (分公司) is part of the group; a subsidiary (子公司) is its own company.
        subsidiary = rng.random() < 0.2
        if zh:
            word = rng.choice(_ZH_COMPANY_WORDS.get(industry, ("有限公司",)))
            branch_name = f"{city}{brand}{word}" if subsidiary else f"{group_name}{city}分公司"
        elif subsidiary:
            legal = {"CNY": f"({city}) Co., Ltd.", "EUR": "GmbH", "USD": "Inc."}[branch_currency]
            branch_name = (
                f"{brand} {city} {legal}" if branch_currency != "CNY" else (f"{brand} {legal}")
            )
        else:
            branch_name = f"{brand} {city}"
        branch = _AccountDraft(
            namer.claim(branch_name),
            zh,
            zh or branch_currency == "CNY",
            industry,
            OrgLevel.SUBSIDIARY if subsidiary else OrgLevel.BRANCH,
            branch_currency,
            domain,
            "",
            parent_id=group.id,
            own_purchasing=subsidiary or rng.random() < 0.35,
            owner_id=_pick_owner(rng, team, zh) if rng.random() < 0.4 else owner,
        )
        members.append(revenue_fields(branch))
    group.lifecycle = "strategic" if any(m.tier == "A" for m in members) else "mature"
    drafts = [group, *members]
    _tier_groups(drafts)
    return drafts


def _account_drafts(rng: random.Random, team: _Team, total: int) -> Iterator[_AccountDraft]:
    """Every account of the book in write order (parents first): seeds, then generated."""
    seeds = _seed_drafts(rng, team, min(total, len(_SEEDS)))
    yield from seeds
    namer = _Namer({draft.name for draft in seeds})
    produced = len(seeds)
    while produced < total:
        for draft in _generated_drafts(rng, team, namer, total - produced):
            yield draft
            produced += 1


# ---------------------------------------------------------------------------------------
# Stakeholders and coverage
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PersonSeed:
    """A hand-written stakeholder of the demo's flagship account."""

    name: str
    email_local: str
    post: str
    title: str
    department: str
    level: Level
    force: str
    attitude: Attitude
    influence: int
    style: str
    boss: str | None
    covered_by: tuple[str, ...]
    goals: str
    interests: str
    needs: tuple[str, str, str, str]
    notes: str


_S, _N, _O = Attitude.SUPPORTIVE, Attitude.NEUTRAL, Attitude.OPPOSED
#: 华东制造集团总部: one person in each of the nine forces, every attitude, and the gaps
#: the sources warn about (the economic buyer not yet met; quality not covered).
_FLAGSHIP_CAST: tuple[_PersonSeed, ...] = (
    _PersonSeed(
        "陈国栋", "chen.guodong", "ceo", "总经理", "总经理办公室", _EXEC, "E-DB", _N, 5,
        "conservative", None, (),
        "集团年度营收增长12%；三年内建成标杆智能工厂", "围棋；品茶",
        ("投资回报清楚", "不愿为失败项目背书", "降低集团整体运营成本", "打造行业领先的智能工厂"),
        "最终拍板人，重视投资回报和风险。尚未单独拜访：先通过总经办主任何晓雯安排，"
        "由周建国出面做高层对接。",
    ),
    _PersonSeed(
        "林晓红", "lin.xiaohong", "cfo", "财务总监", "财务部", _EXEC, "T-FB", _N, 4,
        "conservative", "陈国栋", ("zhou",),
        "采购成本降低5%；资本性支出不超预算", "马拉松",
        ("付款条件灵活", "避免预算超支被问责", "打通采购到付款流程", "数据驱动决策"),
        "掌握预算节奏：11月上报，次年3月批复。关心分期付款和总拥有成本。",
    ),
    _PersonSeed(
        "周明", "zhou.ming", "deputy", "副总经理（分管生产运营）", "总经理办公室", _EXEC, "E-PB",
        _S, 5, "risk_taking", "陈国栋", ("zhou", "wang"),
        "产能提升10%；苏州经验推广到全集团", "高尔夫；摄影",
        ("交付按期", "希望通过项目获得晋升", "提升生产效率", "支撑海外市场扩张"),
        "苏州项目的推动者，愿意在总经理办公会上为二期发声。",
    ),
    _PersonSeed(
        "吴刚", "wu.gang", "it_mgr", "信息中心主任", "信息中心", _MIDDLE, "T-CA", _O, 4,
        "conservative", "周明", ("chen",),
        "系统整合按期完成；信息安全零事故", "钓鱼",
        ("系统稳定可靠", "担心新系统削弱本部门的作用", "降低运维成本", "提升核心竞争力"),
        "倾向自研，担心平台化后信息中心话语权下降。让其牵头接口标准评审，把反对者变成参与者。",
    ),
    _PersonSeed(
        "孙丽", "sun.li", "procurement_mgr", "采购经理", "采购部", _MIDDLE, "T-AB", _N, 3,
        "conservative", "林晓红", ("wang",),
        "供应商数量精简20%；合规零问题", "羽毛球",
        ("价格透明，质量稳定", "不想承担选型责任", "缩短采购周期", "降低集团整体运营成本"),
        "负责招标流程，与蓝海软件合作多年，需要提前沟通评分标准。",
    ),
    _PersonSeed(
        "郑海", "zheng.hai", "ops_mgr", "生产部经理", "生产部", _MIDDLE, "U-WB", _S, 4,
        "risk_taking", "周明", ("wang", "zhao"),
        "一次合格率98%；交付准时率95%", "足球；自驾游",
        ("响应及时的本地服务", "在集团内树立标杆", "提升生产效率", "打造行业领先的智能工厂"),
        "系统的直接使用者，去苏州参观后非常认可，主动提出做二期需求调研。",
    ),
    _PersonSeed(
        "黄静", "huang.jing", "quality_mgr", "质量部经理", "质量部", _MIDDLE, "U-BB", _N, 3,
        "conservative", "周明", (),
        "客诉率下降30%", "书法",
        ("系统稳定可靠", "避免项目失败的风险", "质量问题快速追溯", "提升核心竞争力"),
        "二期质量追溯的间接受益者，我们还没有人对接：覆盖空白。",
    ),
    _PersonSeed(
        "马超", "ma.chao", "engineer", "系统工程师", "信息中心", _STAFF, "C-CA", _S, 2,
        "risk_taking", "吴刚", ("lin",),
        "拿到架构师认证", "登山",
        ("文档齐全", "希望学到新技术", "减少人工报表", "数据驱动决策"),
        "虽然主任持保留意见，但在信息中心内部替我们说话，提供了现有系统的接口清单。",
    ),
    _PersonSeed(
        "何晓雯", "he.xiaowen", "office_dir", "总经办主任", "总经理办公室", _MIDDLE, "C-CO", _S,
        3, "conservative", "陈国栋", ("wang",),
        "高效协调领导日程", "养花",
        ("沟通顺畅", "获得领导认可", "会议材料规范", "培育新的增长点"),
        "我们的教练：讲清了总经理办公会的决策流程和时间点，答应安排与总经理的会面。",
    ),
)  # fmt: skip


def _post_wording(post: _Post, industry: str, office: str, zh: bool) -> tuple[str, str]:
    """Title and department of a post as this kind of organisation words them."""
    pick = 0 if zh else 1
    wording = _OFFICE_WORDING.get(office, {})
    if post.key in wording:
        department = wording.get("dept", (post.dept_zh, post.dept_en))[pick]
        return wording[post.key][pick], department
    if post.key in ("ops_mgr", "ops_staff") and industry in _OPS_WORDING:
        mgr_zh, mgr_en, dept_zh, dept_en, staff_zh, staff_en = _OPS_WORDING[industry]
        if post.key == "ops_mgr":
            return (mgr_zh, dept_zh) if zh else (mgr_en, dept_en)
        return (staff_zh, dept_zh) if zh else (staff_en, dept_en)
    return (post.title_zh, post.dept_zh) if zh else (post.title_en, post.dept_en)


def _cast(rng: random.Random, industry: str, group: bool) -> list[tuple[_Post, str]]:
    """Posts and forces of an account's buying centre: one of each role, then more.

    Every account gets an economic buyer, a user buyer, a technical buyer and a coach,
    as the sales compass asks a rep to find; the rest vary so the maps differ.
    """
    if group:
        posts = list(_GROUP_POSTS[: rng.randint(2, 3)])
        return [(post, rng.choice(post.forces)) for post in posts]
    allowed = [p for p in _POSTS if not (p.function == "sales" and industry in _NO_SALES)]
    size = rng.choice(_CAST_SIZES)

    used = {"ceo"}

    def one_of(prefix: str, level: Level | None) -> tuple[_Post, str]:
        options = [
            p
            for p in allowed
            if any(f.startswith(prefix) for f in p.forces) and level in (None, p.level)
            and p.key not in used
        ]  # fmt: skip
        post = rng.choice(options)
        used.add(post.key)
        return post, rng.choice([f for f in post.forces if f.startswith(prefix)])

    cast = [(_POST_BY_KEY["ceo"], "E-DB"), one_of("U", _MIDDLE), one_of("T", _MIDDLE)]
    cast.append(one_of("C", None))
    extras = [p for p in allowed if p.key not in used]
    rng.shuffle(extras)
    cast += [(post, rng.choice(post.forces)) for post in extras[: size - len(cast)]]
    order = {_EXEC: 0, _MIDDLE: 1, _STAFF: 2}
    cast.sort(key=lambda item: order[item[0].level])
    return cast


#: Whom each function reports to, best first (a buyer to the procurement manager, the
#: IT manager to the CIO, an engineer without an IT manager to the project manager).
_LINE: dict[str, tuple[str, ...]] = {
    "finance": ("cfo", "group_cfo", "finance_mgr", "procurement_mgr"),
    "it": ("cio", "it_mgr", "pm", "quality_mgr"),
    "procurement": ("procurement_mgr", "group_procurement", "cfo", "group_cfo", "finance_mgr"),
    "ops": ("deputy", "ops_mgr", "quality_mgr", "pm", "sales_dir"),
    "quality": ("deputy", "quality_mgr", "ops_mgr"),
    "pmo": ("deputy", "cio", "pm", "it_mgr"),
    "sales": ("deputy", "sales_dir"),
    "exec": ("office_dir",),
}


def _boss_for(post: _Post, placed: list[tuple[_Post, Stakeholder]]) -> str | None:
    """Reporting line: executives to the top person, middle to an executive, staff to middle.

    The line manager of the same or a related function is preferred, as on a real
    organisation chart; whoever has none in the cast reports to the top person.
    """
    if not placed:
        return None
    top = placed[0][1]
    if post.level is _EXEC:
        return top.id
    wanted = _EXEC if post.level is _MIDDLE else _MIDDLE
    above = {p.key: s for p, s in placed if p.level is wanted}
    for key in _LINE.get(post.function, ()):
        if key in above:
            return above[key].id
    return top.id


@dataclass
class _AccountTeam:
    """Who on our side works this account, by the level they can meet."""

    by_level: dict[Level, list[str]]
    owner: str | None

    @classmethod
    def choose(cls, rng: random.Random, team: _Team, draft: _AccountDraft) -> _AccountTeam:
        """The iron triangle (account, solution, delivery manager) plus a sponsor for big ones."""
        zh = draft.zh
        ids: list[str] = []
        if draft.owner_id:
            ids.append(draft.owner_id)
        solution = team.any_with_role("solution_manager", zh)
        ids.append(rng.choice(solution).id)
        if draft.lifecycle != "prospect":
            delivery = team.with_role("delivery_manager")
            ids.append(rng.choice(delivery).id)
        if (
            draft.tier == "A"
            or draft.lifecycle == "strategic"
            or (draft.tier == "B" and rng.random() < 0.4)
        ):
            sponsors = team.any_with_role("executive_sponsor", zh)
            ids.append(rng.choice(sponsors).id)
        levels: dict[Level, list[str]] = {_EXEC: [], _MIDDLE: [], _STAFF: []}
        for member_id in dict.fromkeys(ids):
            levels[Level(team.by_id[member_id].level)].append(member_id)
        return cls(levels, draft.owner_id)

    def cover(self, rng: random.Random, level: Level, force: str, prospect: bool) -> list[str]:
        """Level-matched cover for one stakeholder, or none: gaps are part of the picture."""
        gap = {_EXEC: 0.25, _MIDDLE: 0.15, _STAFF: 0.3}[level]
        if force.startswith("C"):
            gap = 0.05
        if prospect:
            gap += 0.35
        if rng.random() < gap:
            return []
        # Level for level where the account team allows, else the nearest level we have
        # (the solution manager is always on the team, so someone is).
        matched = (
            self.by_level[level]
            or self.by_level[_MIDDLE]
            or self.by_level[_STAFF]
            or self.by_level[_EXEC]
        )
        chosen = [rng.choice(matched)]
        # Key people get a second thread: the owner stays in touch too.
        owner = self.owner
        if force.startswith("E") and owner and owner not in chosen and rng.random() < 0.5:
            chosen.append(owner)
        return chosen


def _person(rng: random.Random, zh: bool, domain: str, currency: str) -> dict[str, Any]:
    name, local = _zh_name(rng) if zh else _en_name(rng)
    email = f"{local}@{domain}.example.com" if rng.random() < 0.85 else ""
    phone = _phone_zh(rng) if zh else _phone_en(rng, currency)
    wechat = ""
    if zh and rng.random() < 0.8:
        wechat = f"{local.replace('.', '')}{rng.randint(1, 99)}"
    return {"name": name, "email": email, "phone": phone, "wechat": wechat}


def _stakeholder_texts(
    rng: random.Random, post: _Post, force: str, attitude: str, zh: bool
) -> dict[str, Any]:
    goals = _pick_some(rng, _GOALS.get(post.function, _GOALS["exec"]), zh, 1, 2)
    if rng.random() < 0.3:
        goals += ("；" if zh else "; ") + _pick(rng, _CAREER, zh)
    notes = _pick(rng, _NOTES_BY_ROLE[force[0]], zh) + ("" if zh else " ")
    notes += _pick(rng, _NOTES_BY_ATTITUDE[attitude], zh)
    hint = _pick(rng, _CONTACT_HINTS, zh)
    if hint:
        notes += ("" if zh else " ") + hint
    return {
        "personal_goals": goals,
        "interests": _pick_some(rng, _INTERESTS, zh, 1, 2),
        "needs_basic": _pick_some(rng, _NEEDS_BASIC, zh, 1, 2),
        "needs_personal": _pick(rng, _NEEDS_PERSONAL, zh),
        "needs_business": _pick_some(rng, _NEEDS_BUSINESS, zh, 1, 2),
        "needs_strategic": _pick(rng, _NEEDS_STRATEGIC, zh),
        "notes": notes,
    }


def _generated_people(
    rng: random.Random, draft: _AccountDraft, crew: _AccountTeam
) -> tuple[list[Stakeholder], list[Coverage]]:
    zh = draft.people_zh
    prospect = draft.lifecycle == "prospect"
    office = _office_kind(draft.industry, draft.name)
    placed: list[tuple[_Post, Stakeholder]] = []
    coverage: list[Coverage] = []
    for post, force in _cast(rng, draft.industry, draft.org_level is OrgLevel.GROUP):
        if post.key in _POST_BY_KEY:
            title, department = _post_wording(post, draft.industry, office, zh)
        else:
            title, department = (
                (post.title_zh, post.dept_zh) if zh else (post.title_en, post.dept_en)
            )
        weights = _ATTITUDE_WEIGHTS[force]
        if prospect and not force.startswith("C"):
            weights = (weights[0] // 2, weights[1], weights[2] + 10)
        attitude = rng.choices(_ATTITUDES, weights=weights)[0]
        low, high = _INFLUENCE[force]
        influence = max(1, rng.randint(low, high) - (1 if post.level == _STAFF else 0))
        style = _weighted(rng, ("risk_taking", "conservative"), (35 if force[0] == "T" else 50, 50))
        person = Stakeholder(
            account_id=draft.id,
            title=title,
            department=department,
            level=post.level.value,
            reports_to_id=_boss_for(post, placed),
            buying_role=FORCE_ROLE[force[0]].value,
            force=force,
            attitude=attitude.value,
            influence=influence,
            decision_style=style,
            **_person(rng, zh, draft.domain, draft.currency),
            **_stakeholder_texts(rng, post, force, attitude, zh),
        )
        placed.append((post, person))
        for member_id in crew.cover(rng, post.level, force, prospect):
            coverage.append(Coverage(stakeholder_id=person.id, team_member_id=member_id))
    return [person for _post, person in placed], coverage


def _flagship_people(
    rng: random.Random, draft: _AccountDraft, team: _Team
) -> tuple[list[Stakeholder], list[Coverage]]:
    people: dict[str, Stakeholder] = {}
    coverage: list[Coverage] = []
    for seed in _FLAGSHIP_CAST:
        basic, personal, business, strategic = seed.needs
        person = Stakeholder(
            account_id=draft.id,
            name=seed.name,
            title=seed.title,
            department=seed.department,
            level=seed.level.value,
            reports_to_id=people[seed.boss].id if seed.boss else None,
            buying_role=FORCE_ROLE[seed.force[0]].value,
            force=seed.force,
            attitude=seed.attitude.value,
            influence=seed.influence,
            decision_style=seed.style,
            personal_goals=seed.goals,
            interests=seed.interests,
            needs_basic=basic,
            needs_personal=personal,
            needs_business=business,
            needs_strategic=strategic,
            phone=_phone_zh(rng),
            email=f"{seed.email_local}@{draft.domain}.example.com",
            wechat=f"{seed.email_local.replace('.', '')}{rng.randint(1, 99)}",
            notes=seed.notes,
        )
        people[seed.name] = person
        coverage += [
            Coverage(stakeholder_id=person.id, team_member_id=team.by_key[key].id)
            for key in seed.covered_by
        ]
    return list(people.values()), coverage


def _bundles(
    rng: random.Random, team: _Team, total: int, deals: _DealMaker, visits: VisitMaker
) -> Iterator[_Bundle]:
    """Every account with its people and deals, in the order they can be written."""
    for draft in _account_drafts(rng, team, total):
        if draft.seed_key == "hd_hq":
            people, coverage = _flagship_people(rng, draft, team)
        else:
            crew = _AccountTeam.choose(rng, team, draft)
            people, coverage = _generated_people(rng, draft, crew)
        bundle = _Bundle(_to_account(rng, draft), people, coverage)
        deals.add_to(bundle, draft, team)
        bundle.visits = visits.visits_of(
            bundle.account, draft.zh, people, coverage, bundle.deals,
            group=draft.org_level is OrgLevel.GROUP,
        )  # fmt: skip
        yield bundle


# ---------------------------------------------------------------------------------------
# Deals
# ---------------------------------------------------------------------------------------

#: The stages of each stage model, in order; the last one is where a won deal ends.
_STAGES: dict[str, tuple[str, ...]] = {
    model: tuple(code for code in STAGE_PROBABILITY if code.startswith(f"{model}."))
    for model in FIRST_STAGE
}
#: Industries that buy by project and tender (立项、招投标): their deals mostly follow the
#: six-stage project model; the rest mostly the sales compass.
_PROJECT_INDUSTRIES = frozenset({"government", "energy", "education", "telecom", "healthcare"})
_WIN_REASONS: tuple[str, ...] = ("value", "relationship", "solution_fit")
_LOSS_REASONS: tuple[str, ...] = ("price", "competitor", "no_decision", "solution_fit")

#: Deal names by industry, (Chinese, English) pairs; any industry may also draw from "".
_DEAL_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "": (
        ("数据中台建设", "Data platform build-out"),
        ("运维服务续约", "Managed services renewal"),
        ("CRM 升级", "CRM upgrade"),
        ("信创适配改造", "Domestic-stack migration"),
        ("年度框架协议续签", "Framework agreement renewal"),
        ("数据治理咨询", "Data governance consulting"),
    ),
    "manufacturing": (
        ("MES 二期扩容", "MES phase 2 expansion"),
        ("质量追溯系统", "Quality traceability system"),
        ("设备预测性维护", "Predictive maintenance pilot"),
        ("智能排产", "Advanced production scheduling"),
        ("WMS 新仓上线", "WMS for the new warehouse"),
    ),
    "finance": (
        ("监管报送平台", "Regulatory reporting platform"),
        ("等保三级整改", "Security compliance remediation"),
        ("核心系统灾备", "Core banking disaster recovery"),
        ("智能风控", "Risk scoring engine"),
    ),
    "internet": (
        ("云资源成本优化", "Cloud cost optimisation"),
        ("研发效能平台", "Developer productivity suite"),
        ("实时数仓", "Real-time data warehouse"),
    ),
    "government": (
        ("一网通办二期", "One-stop online services, phase 2"),
        ("政务云迁移", "Government cloud migration"),
        ("城市运行监测平台", "City operations dashboard"),
    ),
    "energy": (
        ("光伏电站运维平台", "Solar park monitoring rollout"),
        ("设备巡检数字化", "Digital equipment inspections"),
        ("能耗管理系统", "Energy management system"),
    ),
    "healthcare": (
        ("耗材管理二期", "Medical supplies tracking, phase 2"),
        ("医保控费分析", "Claims cost analytics"),
        ("互联网医院平台", "Online clinic platform"),
    ),
    "retail": (
        ("新店数字化套件", "New-store digital kit"),
        ("会员营销平台", "Loyalty and promotions platform"),
        ("全渠道库存", "Omnichannel inventory"),
    ),
    "logistics": (
        ("车队远程监控", "Fleet telematics rollout"),
        ("运输管理系统", "Transport management system"),
        ("跨境物流追踪", "Cross-border shipment tracking"),
        ("仓储自动化", "Warehouse automation"),
    ),
    "education": (
        ("智慧校园", "Smart campus"),
        ("教务系统升级", "Student records upgrade"),
    ),
    "telecom": (
        ("网络运维外包续约", "Network operations outsourcing renewal"),
        ("5G 专网运维", "Private 5G network operations"),
        ("客服中心智能化", "Contact centre automation"),
    ),
}

#: A deal's notes, often none: (Chinese, English) by status.
_DEAL_NOTES: dict[str, _Pool] = {
    "open": (
        ("", "", "客户要求下月前提交方案和报价。", "预算已批，等待招标公告。",
         "竞争对手报价低约15%，需强调上线周期和服务。", "技术交流已完成，下一步安排样板客户参观。"),
        ("", "", "Proposal and quote due before next month.",
         "Budget approved; waiting for the tender notice.",
         "A competitor is about 15% cheaper: stress time to go-live and support.",
         "Technical workshop done; next, a reference visit."),
    ),
    "won": (
        ("", "合同已签，交付团队已进场。", "以价值和案例胜出，价格未让步。"),
        ("", "Contract signed; delivery team on site.",
         "Won on value and references, no discount."),
    ),
    "lost": (
        ("", "客户选择了低价方案，半年后复盘。", "项目推迟到明年，保持联系。"),
        ("", "They chose the cheaper bid; review in six months.",
         "Project pushed to next year; keep in touch."),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _DealSeed:
    """A hand-written deal of one of the 30 demo accounts."""

    name: str
    model: str
    stage: str
    status: str = "open"
    #: The amount in major units of the account's currency.
    amount: int = 0
    reason: str = ""
    notes: str = ""


#: The deals the hand-shaped accounts' notes speak of, by account key.
_DEAL_SEEDS: dict[str, tuple[_DealSeed, ...]] = {
    "hd_hq": (
        _DealSeed("MES 二期（质量追溯）", "project", "project.approval", amount=4_800_000,
                  notes="二期正在立项，总部信息中心牵头；预算11月上报，次年3月批复。"),
        _DealSeed("MES 一期", "project", "project.implementation", "won", 6_200_000, "value",
                  notes="一期已上线，作为集团标杆。"),
    ),
    "hd_sz": (
        _DealSeed("苏州工厂平台采购", "compass", "compass.closing", "won", 1_600_000,
                  "solution_fit"),
    ),
    "hd_wx": (
        _DealSeed("无锡分公司 MES 替换", "compass", "compass.intent", amount=2_200_000,
                  notes="启明科技合同2026年到期，先从生产部找教练。"),
        _DealSeed("无锡分公司 MES（集团框架）", "compass", "compass.commercial", "lost", 1_900_000,
                  "competitor", "跟随集团框架买了启明科技，我们当时没有察觉。"),
    ),
    "hd_nb": (
        _DealSeed("MES 二期扩容", "compass", "compass.solution", amount=1_350_000,
                  notes="厂长对苏州案例很感兴趣，安排参观苏州工厂。"),
    ),
    "xb_hq": (
        _DealSeed("框架协议续签", "compass", "compass.commercial", amount=9_000_000,
                  notes="新任信息总监倾向自研，需要重建关系。"),
    ),
    "xb_xa": (
        _DealSeed("光伏电站运维平台", "project", "project.implementation", "won", 820_000,
                  "relationship"),
    ),
    "nw_hq": (
        _DealSeed("Global tracking platform", "compass", "compass.solution", amount=1_800_000,
                  notes="The new COO wants one tracking platform for all regions by next year."),
        _DealSeed("Fleet telematics rollout", "compass", "compass.commercial", amount=640_000),
    ),
    "nw_rt": (
        _DealSeed("Rotterdam renewal", "compass", "compass.closing", amount=420_000,
                  notes="Compares every renewal with local vendors."),
    ),
    "jnbank": (
        _DealSeed("等保三级整改", "project", "project.tender", amount=3_600_000,
                  notes="监管检查后科技部要求所有系统通过等保三级复测。"),
    ),
    "jiangbei": (
        _DealSeed("一网通办二期", "project", "project.proposal", amount=2_400_000,
                  notes="已纳入明年预算，需配合做好信创适配证明材料。"),
    ),
    "nanling": (
        _DealSeed("网络运维外包续约", "compass", "compass.commercial", amount=2_800_000,
                  notes="竞争对手已在接触运维部。"),
    ),
    "brightwater": (
        _DealSeed("Risk committee vendor review", "compass", "compass.closing", amount=350_000),
        _DealSeed("Branch analytics pilot", "compass", "compass.solution", "lost", 180_000,
                  "price"),
    ),
    "helios": (
        _DealSeed("Solar park monitoring rollout", "project", "project.negotiation",
                  amount=160_000, notes="Head of operations wants results before winter."),
    ),
    "orbital": (
        _DealSeed("Managed network services", "compass", "compass.intent", amount=900_000,
                  notes="The incumbent contract ends next year."),
    ),
}  # fmt: skip

#: How many deals a generated account has: up to 5, about three (a group has none, a
#: prospect one at most).
_DEAL_COUNTS: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
_DEAL_COUNT_WEIGHTS: tuple[int, ...] = (5, 8, 17, 30, 25, 15)
#: A deal's size as a share of the account's yearly revenue with us.
_DEAL_SHARE = (0.08, 0.6)


class _DealMaker:
    """The deals of each account, dated around one day, from a stream of their own."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today

    def add_to(self, bundle: _Bundle, draft: _AccountDraft, team: _Team) -> None:
        """Give the account of ``bundle`` its deals and their stage histories."""
        if draft.org_level is OrgLevel.GROUP:
            return  # a group buys through its HQ and branches
        # The deals a hand-shaped account's notes speak of, else made up like any other's.
        seeds = _DEAL_SEEDS.get(draft.seed_key)
        for seed in seeds or self._generated(draft):
            self._write(bundle, draft, team, seed)

    def _generated(self, draft: _AccountDraft) -> list[_DealSeed]:
        rng = self.rng
        count = rng.choices(_DEAL_COUNTS, weights=_DEAL_COUNT_WEIGHTS)[0]
        if draft.lifecycle == "prospect":
            count = min(count, 1)
        names = rng.sample(_DEAL_NAMES.get(draft.industry, ()) + _DEAL_NAMES[""], count)
        seeds = []
        noted: set[str] = set()  # the same remark twice on one account reads as a glitch
        for zh_name, en_name in names:
            project = draft.industry in _PROJECT_INDUSTRIES
            model = "project" if rng.random() < (0.8 if project else 0.25) else "compass"
            stages = _STAGES[model]
            status = "open"
            if draft.lifecycle != "prospect":
                status = _weighted(rng, ("open", "won", "lost"), (62, 24, 14))
            if status == "won":
                stage, reason = stages[-1], rng.choice(_WIN_REASONS)
            elif status == "lost":
                stage, reason = rng.choice(stages[:-1]), rng.choice(_LOSS_REASONS)
            else:
                # Funnel-shaped: more deals early than late.
                weights = [len(stages) - i for i in range(len(stages))]
                if draft.lifecycle == "prospect":
                    weights = [*weights[:2], *(0 for _ in stages[2:])]
                stage, reason = rng.choices(stages, weights=weights)[0], ""
            note = _pick(rng, _DEAL_NOTES[status], draft.zh)
            note = "" if note in noted else note
            noted.add(note)
            seeds.append(
                _DealSeed(
                    zh_name if draft.zh else en_name,
                    model,
                    stage,
                    status,
                    self._amount(draft),
                    reason,
                    note,
                )
            )
        return seeds

    def _amount(self, draft: _AccountDraft) -> int:
        """A deal's size in major units, rounded as a quote would be."""
        rng = self.rng
        if draft.revenue_major:
            base = float(draft.revenue_major)
        elif draft.quantile is not None:
            base = _REVENUE_FLOOR_CNY * float(draft.quantile ** (-1 / _PARETO_ALPHA))
            base /= _CNY_PER_UNIT[draft.currency]
        else:  # a prospect: a first deal of a few hundred thousand CNY
            base = rng.uniform(300_000, 1_500_000) / _CNY_PER_UNIT[draft.currency]
        amount = base * rng.uniform(*_DEAL_SHARE)
        step = 10_000 if draft.currency == "CNY" else 1_000
        return max(step, round(amount / step) * step)

    def _write(self, bundle: _Bundle, draft: _AccountDraft, team: _Team, seed: _DealSeed) -> None:
        rng = self.rng
        history = self._history(seed)
        closed = seed.status != "open"
        last = history[-1][1].date()
        if closed:
            expected_close = last + dt.timedelta(days=rng.randint(0, 20))
            expected_close = min(expected_close, self.today)
            probability = 100 if seed.status == "won" else 0
        else:
            # Early stages close later: one to four quarters out.
            position = _STAGES[seed.model].index(seed.stage) / len(_STAGES[seed.model])
            ahead = rng.randint(20, 120) + round((1 - position) * rng.randint(60, 240))
            expected_close = self.today + dt.timedelta(days=ahead)
            probability = STAGE_PROBABILITY[seed.stage]
            if rng.random() < 0.2:  # the rep's own judgement
                probability = max(5, min(95, probability + rng.choice((-10, -5, 5, 10))))
        owner = draft.owner_id
        if owner is None or rng.random() < 0.15:
            owner = rng.choice(team.any_with_role("account_manager", draft.zh)).id
        started = history[0][1]
        deal = Opportunity(
            account_id=draft.id,
            name=seed.name,
            owner_id=owner,
            amount_minor=(seed.amount or self._amount(draft)) * 100,
            currency=draft.currency,
            expected_close=expected_close,
            stage_model=seed.model,
            stage=seed.stage,
            probability=probability,
            status=seed.status,
            outcome_reason=seed.reason,
            notes=seed.notes,
            created_at=started,
        )
        bundle.deals.append(deal)
        before = ""
        for stage, moment in history:
            bundle.stage_changes.append(
                StageChange(
                    opportunity_id=deal.id,
                    account_id=draft.id,
                    from_stage=before,
                    to_stage=stage,
                    changed_at=moment,
                    created_at=moment,
                )
            )
            before = stage
        bundle.milestones.extend(_deal_milestones(deal, history, draft.zh, self.today))

    def _history(self, seed: _DealSeed) -> list[tuple[str, dt.datetime]]:
        """The stages the deal went through up to its own, each with when it got there.

        Each stage took one to eight weeks; an open deal reached its stage a few days to
        a few months ago, a closed one closed within the last nine months. Now and then a
        deal went back a stage (the customer reopened the evaluation) and on again.
        """
        rng = self.rng
        stages = _STAGES[seed.model]
        path = list(stages[: stages.index(seed.stage) + 1])
        if len(path) >= 3 and rng.random() < 0.08:
            turn = rng.randint(1, len(path) - 1)
            path[turn + 1 : turn + 1] = [path[turn - 1], path[turn]]
        back = rng.randint(2, 75) if seed.status == "open" else rng.randint(15, 270)
        day = self.today - dt.timedelta(days=back)
        days: list[dt.date] = [day]
        for _stage in path[1:]:
            # Eight days at least, so a stage lasts a whole week whatever the hours.
            day -= dt.timedelta(days=rng.randint(8, 56))
            days.append(day)
        # In office hours in China (01:00 to 10:00 UTC), oldest first.
        return [
            (
                stage,
                dt.datetime.combine(day, dt.time(rng.randint(1, 9), rng.randint(0, 59)), dt.UTC),
            )
            for stage, day in zip(path, reversed(days), strict=True)
        ]


def _deal_milestones(
    deal: Opportunity, history: list[tuple[str, dt.datetime]], zh: bool, today: dt.date
) -> list[Milestone]:
    """The deal's checklist from the default templates, part done as far as it has come.

    Stages the deal has left are (mostly) answered, each milestone on a day the deal was
    in that stage; its current stage is answered up to some point, in order, as visits
    answer milestones; stages ahead are open. A won deal answered everything. A stream
    of its own (from the deal) leaves every other choice of the demo as it was.
    """
    rng = random.Random(f"milestones:{deal.name}:{deal.stage}:{history[0][1].isoformat()}")
    current = stage_rank(deal.stage)
    reached: dict[str, tuple[dt.date, dt.date]] = {}  # stage → (first reached, left)
    for number, (stage, moment) in enumerate(history):
        left = history[number + 1][1].date() if number + 1 < len(history) else today
        start = reached[stage][0] if stage in reached else moment.date()
        reached[stage] = (start, max(left, start))
    templates = default_templates(deal.stage_model)
    # How many of its current stage's milestones the deal has answered: never all, or
    # it would have moved on.
    answered_here = rng.randint(0, max(0, sum(1 for t in templates if t.stage == deal.stage) - 1))
    counts: dict[str, int] = {}
    rows = []
    for template in templates:
        index = counts[template.stage] = counts.get(template.stage, -1) + 1
        rank = stage_rank(template.stage)
        if deal.status == "won" or rank < current:
            done = deal.status == "won" or rng.random() < (0.9 if deal.status == "open" else 0.7)
        elif rank == current:
            done = index < answered_here
        else:
            done = False
        done_on = None
        if done:
            first, last = reached.get(template.stage, (history[-1][1].date(), today))
            done_on = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        rows.append(
            Milestone(
                opportunity_id=deal.id,
                stage=template.stage,
                text=template.text("zh_CN" if zh else "en"),
                position=rank * STAGE_STEP + index,
                done=done,
                done_on=done_on,
                created_at=deal.created_at,
            )
        )
    # Answered in order, as visits answer them: a stage's days run down its list.
    for stage in {row.stage for row in rows}:
        answered = [row for row in rows if row.stage == stage and row.done_on is not None]
        days = sorted(row.done_on for row in answered if row.done_on is not None)
        for row, day in zip(answered, days, strict=True):
            row.done_on = day
    return rows


# ---------------------------------------------------------------------------------------
# Negotiation preparation
# ---------------------------------------------------------------------------------------

#: The late-stage deal the demo prepares a negotiation for, and its account.
_NEGOTIATED_DEAL = ("西部能源集团总部", "框架协议续签")


def _negotiation_preparation(book: Book) -> None:
    """Prepare the negotiation of the framework renewal: the plan, concessions and roles.

    The hand-shaped deal at the commercial stage whose notes speak of a new CIO leaning
    towards building in-house: positions for price, payment and delivery, both sides'
    BATNA, three concessions in order (each trading something back) and who plays which
    part. A book too small to hold that account gets none.
    """
    from sqlmodel import select

    from kamdesk.models.negotiation import Concession, NegotiationPlan, NegotiationRole

    with book.write() as session:
        account_name, deal_name = _NEGOTIATED_DEAL
        deal = session.exec(
            select(Opportunity)
            .join(Account, Account.id == Opportunity.account_id)  # type: ignore[arg-type]
            .where(Account.name == account_name, Opportunity.name == deal_name)
        ).first()
        if deal is None:
            return
        members = {m.name: m.id for m in session.exec(select(TeamMember))}
        session.add(
            NegotiationPlan(
                opportunity_id=deal.id,
                price_best_minor=960_000_000,
                price_expected_minor=900_000_000,
                price_walk_away_minor=820_000_000,
                currency=deal.currency,
                payment_best="签约后预付 50%，上线后付清",
                payment_expected="30% 预付 / 60% 上线 / 10% 验收",
                payment_walk_away="上线后 60 天内付 90%，质保金 10%",
                delivery_best="首期 3 个月上线",
                delivery_expected="首期 4 个月上线",
                delivery_walk_away="首期 6 个月，按模块分批交付",
                our_batna="把实施团队投入宁波二期扩容；现有运维合同执行到期。",
                their_batna="新任信息总监倾向自研：需要 8–10 人的团队一年以上，"
                "且用不上集团其他工厂的经验。",
                notes="先谈交付与付款，最后才谈价格。",
                created_at=deal.created_at,
            )
        )
        steps = (
            ("质保从 1 年延长到 3 年", "签三年框架协议，而不是一年一签", 45_000_000, "offered"),
            ("免费为各分公司做一次运维培训", "安排新任信息总监参观苏州工厂标杆", None, "planned"),
            ("总价下调 3%", "本季度内签约，且预付比例提高到 40%", 27_000_000, "planned"),
        )
        for position, (give, ask, value, status) in enumerate(steps, start=1):
            session.add(
                Concession(
                    opportunity_id=deal.id,
                    position=position,
                    what_we_give=give,
                    what_we_ask=ask,
                    value_minor=value,
                    currency=deal.currency if value is not None else "",
                    status=status,
                )
            )
        roles = [(deal.owner_id, "lead", "主谈，把握节奏，价格最后谈。")]
        roles += [
            (members.get("陈浩"), "technical", "讲清楚集团统一平台与自研的差距。"),
            (members.get("刘洋"), "finance", "付款节点与质保金。"),
            (members.get("周建国"), "decision_maker", "只在最后一轮出面，拍板让步上限。"),
        ]
        seen: set[str] = set()
        for member_id, role, notes in roles:
            if member_id is None or member_id in seen:
                continue
            seen.add(member_id)
            session.add(
                NegotiationRole(
                    opportunity_id=deal.id, team_member_id=member_id, role=role, notes=notes
                )
            )


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _write_batch(book: Book, batch: list[_Bundle]) -> None:
    """One transaction for a batch, flushed table by table.

    The tables have foreign keys but no ORM relationships, so the unit of work does not
    reliably insert accounts before their stakeholders, or stakeholders before their
    coverage, or deals before their stage history (without the staging below, coverage
    rows were seen going in first and failing the key check). Flushing in that order,
    with parents added before children and bosses before their staff within a table,
    keeps every key valid.
    """
    with book.write() as session:
        session.add_all([bundle.account for bundle in batch])
        session.flush()
        session.add_all([person for bundle in batch for person in bundle.stakeholders])
        session.add_all([deal for bundle in batch for deal in bundle.deals])
        session.flush()
        session.add_all([row for bundle in batch for row in bundle.coverage])
        session.add_all([row for bundle in batch for row in bundle.stage_changes])
        session.add_all([row for bundle in batch for row in bundle.milestones])
        session.flush()
        session.add_all([row for bundle in batch for row in bundle.visits.visits])
        session.flush()
        for rows in (
            [row for bundle in batch for row in bundle.visits.attendees],
            [row for bundle in batch for row in bundle.visits.team],
            [row for bundle in batch for row in bundle.visits.questions],
            [row for bundle in batch for row in bundle.visits.follow_ups],
        ):
            session.add_all(rows)


def _fill(
    book: Book,
    accounts: int,
    seed: int,
    progress: Callable[[int, int], None] | None,
    today: dt.date,
) -> DemoSummary:
    rng = random.Random(seed)
    team = _make_team(rng, accounts)
    with book.write() as session:
        session.add_all(team.members)
    done = stakeholders = coverage = deals = 0
    batch: list[_Bundle] = []

    def write_batch() -> None:
        nonlocal done, stakeholders, coverage, deals, batch
        _write_batch(book, batch)
        done += len(batch)
        stakeholders += sum(len(b.stakeholders) for b in batch)
        coverage += sum(len(b.coverage) for b in batch)
        deals += sum(len(b.deals) for b in batch)
        batch = []
        if progress is not None:
            progress(done, accounts)

    # Deals draw from a stream of their own, so the accounts and people of a seed stay
    # what they were before books had deals (screenshots and benchmarks compare them).
    maker = _DealMaker(random.Random(f"{seed}:deals"), today)
    # Visits too, so adding them changed nothing made before.
    visit_maker = VisitMaker(random.Random(f"{seed}:visits"), today)
    for bundle in _bundles(rng, team, accounts, maker, visit_maker):
        batch.append(bundle)
        if len(batch) >= BATCH_ACCOUNTS:
            write_batch()
    if batch:
        write_batch()
    _negotiation_preparation(book)
    with book.write() as session:  # who is on each deal, its competitors, its objections
        add_deal_extras(session, random.Random(f"{seed}:deal extras"), today)
    add_demo_proposals(book, today)
    return DemoSummary(done, stakeholders, len(team.members), coverage, deals)


def _no_room(path: Path) -> DiskFullError:
    return DiskFullError(
        _(
            "The disk is full, so the demo book {path} could not be written; nothing was saved."
        ).format(path=path)
    )


def write_demo_book(
    path: Path,
    accounts: int = 30,
    *,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Write a new book at ``path`` filled with ``accounts`` demo accounts.

    The first 30 accounts are the hand-shaped demo; more are generated. Deals are dated
    around ``today`` (the current UTC date by default): their stage history in the months
    before it, their expected close in the quarters after it (or before, once closed).
    ``progress`` is called with (accounts written, accounts asked for) after each
    transaction. Refuses
    with ``BookError`` when ``path`` exists (a demo must never overwrite a real book),
    when its folder is missing or read-only, and with ``DiskFullError`` when the disk
    fills up; on any failure nothing is left at ``path``, nor beside it. Temporary files
    that an earlier, killed run left beside ``path`` are removed first (see
    ``remove_stale_partials`` for how a live run's files are told apart).
    """
    if accounts < 0:
        raise ValueError("accounts must not be negative")
    path = Path(path).expanduser().absolute()
    refusal = _("{path} already exists; choose a new file for the demo book.")
    if path.exists() or path.is_symlink():
        raise BookError(refusal.format(path=path))
    check_can_create(path)
    remove_stale_partials(path)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.demo")
    try:
        with Book.open(partial, create=True) as book:
            if book.read_only:
                # Made just now in a folder we may write (checked above): only a disk
                # that filled up while the schema was written leaves it read-only.
                raise _no_room(path)
            day = today if today is not None else dt.datetime.now(dt.UTC).date()
            summary = _fill(book, accounts, seed, progress, day)
            # Fold the WAL into the file, so the renamed book is complete on its own.
            book.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            publish_new_file(partial, path)
        except BookError:
            raise BookError(refusal.format(path=path)) from None
    except DiskFullError as error:
        raise _no_room(path) from error
    except KamdeskError:
        raise
    except (OSError, sqlite3.Error) as error:
        if disk_is_full(error, path.parent):
            raise _no_room(path) from error
        raise
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return summary
