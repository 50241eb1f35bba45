"""Name pools for the demo: surnames common in Pengshui's Miao and Tujia villages, given
names of the generation that farms there now, village names in the style of the Wuling
mountains, and the places party branches and outlets sit in.

Everything here is made up in the local style; none of it names a real person."""


def _words(text: str) -> list[str]:
    return text.split()


# Surname and relative weight. 冉, 向, 彭, 田 and 杨 are the big names of the Tujia and
# Miao villages along the Wujiang; the common Han surnames follow.
SURNAMES: list[tuple[str, int]] = [
    ("冉", 8),
    ("向", 6),
    ("彭", 6),
    ("田", 6),
    ("杨", 6),
    ("张", 5),
    ("王", 4),
    ("李", 4),
    ("刘", 4),
    ("陈", 4),
    ("任", 3),
    ("罗", 3),
    ("何", 3),
    ("黄", 3),
    ("周", 3),
    ("吴", 3),
    ("侯", 2),
    ("龚", 2),
    ("谢", 2),
    ("石", 2),
    ("龙", 2),
    ("熊", 2),
    ("庞", 2),
    ("赵", 2),
    ("余", 2),
    ("胡", 2),
    ("蒋", 1),
    ("蔡", 1),
    ("冯", 1),
    ("邹", 1),
    ("骆", 1),
    ("汪", 1),
    ("付", 1),
    ("杜", 1),
    ("徐", 1),
    ("邓", 1),
    ("苏", 1),
    ("敖", 1),
    ("简", 1),
    ("钱", 1),
]

# Given names of farmers born from the 1950s to the 1970s, who do most of the farming.
GIVEN_NAMES_MALE = _words(
    "德明 国华 光荣 永富 世明 昌贵 正清 家兴 中华 建国 长江 朝富 德清 万福 安平 光明 "
    "洪波 治国 仕林 绍华 明贵 成林 祖云 顺清 泽民 廷富 学文 海清 天福 茂林 先明 应华 "
    "开富 兴国 云发 树清 登高 大林 贵生 福全 文才 志强 建平 小平 红军 江华 德胜 启明 "
    "宗华 元贵 世友 维康 昌明 绍军 正国 光辉 德富 永红 应明 仁义 寿康 承林 国富 "
    "勇 军 华 强 平 刚 斌 林"
)
GIVEN_NAMES_FEMALE = _words(
    "秀英 玉兰 素琼 明芬 文碧 德珍 桂芳 秀珍 淑芬 春兰 玉珍 光琼 世英 泽芬 翠华 海燕 "
    "红梅 小琴 明秀 仕碧 朝英 银花 金秀 菊花 远芳 永琼 兰英 昌碧 凤英 桂英 "
    "霞 琴 英 燕 芳"
)
# Younger names, for cadres and volunteers (born in the 1970s and 1980s).
GIVEN_NAMES_YOUNGER = _words(
    "小军 海波 俊 建军 伟 敏 杰 磊 鹏 丹 静 晓东 红英 志刚 雪梅 永刚 春燕 涛 "
    "小红 宏伟 明 亮 波 勇军 立新 海林 小兵 玉梅 晓燕 远航"
)

VILLAGE_NAMES = _words(
    "新田 大坪 石板 龙门 向阳 长坪 青龙 白果 黄泥 杉树 松林 柏杨 茶园 大河 小河 水井 "
    "岩口 坪上 寨子 凉风 双河 三溪 堡上 龙潭 桥头 马鞍 金竹 楠木 桂花 红岩 田坝 新华 "
    "和平 团结 光明 胜利 太平 长岭 高峰 中坝 石门 鱼泉 沙坝 老寨 弯塘 荆竹 银杏 木蜡 "
    "苗寨 土坪 核桃 板栗 柑子 漆树 枫香 青杠 岩门 天池 水田 大湾 河坝 坨坝 龙塘 新建 "
    "新民 民族 红星 星光 复兴 双龙 三合 五一 前进 龙泉 凤凰 白鹤 黄草 石笋 石院 狮子 "
    "梨子 桃子 竹园 竹林 林场 高坪 中山 大地 花园 大塘 牛角 关口 垭口 长滩 鱼塘 江口 "
    "清水 泉水 火石 黄连 庙坝 大田 和睦 永安 兴隆 长春 万寿 福寿 联盟 联丰 红旗 青山 "
    "碧山 明星 石桥 团山 大岩 岩脚 黄桷 白岩 天生 罗家 冉家 向家 田家 彭家 何家 张家坝 "
    "杨家坝 老鹰 坪坝 上坝 下坝 中寨 上寨 下寨 沙坨 柳池 芭蕉 樱桃 油坊 盐井 中井 石堡 "
    "长溪 新溪 清溪 彭家沟 洞口 两河 三江 四合 六合 九龙 十字 千丘 茶林 杉木 椿木"
)

COLLECTION_POINTS = [("村委会", 6), ("便民服务中心", 3), ("党群服务中心", 2)]

# Neighbourhoods of the three 街道, for the party branches of town volunteers.
COMMUNITIES = _words("滨江 城东 城西 文化 河堡 桑树 靛水 摩围 丹凤 长滩")

# Branches outside the villages that sent party members to carry goods in spring 2020.
COUNTY_BRANCHES = [
    "彭水县农业农村委员会机关党支部",
    "彭水县供销合作社党支部",
    "彭水县交通局机关党支部",
]

ORDER_NOTES = [
    "到了打电话，人在坡上干活",
    "路窄，车停村道口",
    "放在堂屋门口就行",
    "下午家里才有人",
    "送到地头，有人接",
    "和邻居一起收货",
    "娃儿在外地打工，家里只有老两口",
]
PRIORITY_NOTES = [("五保户", 3), ("留守老人，独居", 2), ("残疾人家庭", 2), ("脱贫户", 1)]
