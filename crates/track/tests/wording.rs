//! Every target text of the shipped dataset parses, listed with its meaning; bad texts are errors.

mod common;

use digecon_track::parse_target;
use digecon_track::wording::{Meaning, Qualitative};
use digecon_track::{parse_all, progress, Problem, Rules};

/// plan, indicator, target year, text as printed, kind, the number the text gives (in the
/// indicator's unit; for 新增 the increment).
type Expected = (&'static str, &'static str, i32, &'static str, &'static str, Option<f64>);

const EXPECTED: &[Expected] = &[
    ("jx-14fyp", "DE_VA", 2025, "16000", "reach", Some(16000.0)),
    ("jx-14fyp", "CORE_VA_GDP_SHARE", 2025, "10以上", "at_least", Some(10.0)),
    ("jx-14fyp", "EIM_REV", 2025, ">10000", "above", Some(10000.0)),
    ("jx-14fyp", "SW_REV", 2025, "600", "reach", Some(600.0)),
    ("jx-14fyp", "IT_PATENTS", 2025, ">5500", "above", Some(5500.0)),
    ("jx-14fyp", "IIDI", 2025, "超全国平均水平", "above_reference", None),
    ("jx-14fyp", "PROD_EQUIP_DIGITAL_RATE", 2025, "超全国平均水平", "above_reference", None),
    ("jx-14fyp", "EQUIP_NC_RATE", 2025, "超全国平均水平", "above_reference", None),
    ("jx-14fyp", "IIP_PENETRATION", 2025, "超全国平均水平", "above_reference", None),
    ("jx-14fyp", "ONLINE_RETAIL", 2025, "3000左右", "about", Some(3000.0)),
    ("jx-14fyp", "ECOMMERCE_TX", 2025, "15000", "reach", Some(15000.0)),
    ("jx-14fyp", "GFT_USERS", 2025, "4100", "reach", Some(4100.0)),
    ("jx-14fyp", "GZT_DAU_RATE", 2025, "80", "reach", Some(80.0)),
    ("jx-14fyp", "CROSS_PROV_SERVICE_RATE", 2025, "100", "reach", Some(100.0)),
    ("jx-14fyp", "INTERPROV_BW", 2025, "70000", "reach", Some(70000.0)),
    ("jx-14fyp", "IPV6_ACTIVE_USERS", 2025, "5000", "reach", Some(5000.0)),
    ("jx-14fyp", "GIGABIT_USERS", 2025, "300", "reach", Some(300.0)),
    ("jx-14fyp", "BS_5G_OPEN_10K", 2025, "10", "reach", Some(10.0)),
    ("jx-14fyp", "MIOT_TERMINALS", 2025, ">3500", "above", Some(3500.0)),
    ("jx-14fyp", "DE_VA_GDP_SHARE", 2025, "达到45%左右", "about", Some(45.0)),
    ("jx-14fyp", "VR_REV", 2025, "达到1500亿元", "reach", Some(1500.0)),
    ("jx-14fyp", "IOT_REV", 2025, "达到2500亿元", "reach", Some(2500.0)),
    ("jx-14fyp", "DIGITAL_CULTURE_ENT_REV", 2025, "达到1400亿元", "reach", Some(1400.0)),
    ("jx-14fyp", "SMART_CITY_COUNTY_SHARE", 2025, "60%以上", "at_least", Some(60.0)),
    ("jx-14fyp", "BENCHMARK_SMART_CITIES", 2025, "力争打造2-3个", "between", None),
    ("jx-14fyp", "VILLAGE_5G_SHARE", 2025, "80%", "reach", Some(80.0)),
    ("jx-14fyp", "SMART_CITY_CITY_SHARE", 2025, "所有设区市", "reach", Some(100.0)),
    ("jx-14fyp", "GIGABIT_CITY_SHARE", 2025, "全省设区市建成千兆城市", "reach", Some(100.0)),
    ("jx-14fyp", "TOWN_GIGABIT_5G_COVERAGE", 2025, "实现千兆光纤和5G网络全覆盖", "reach", Some(100.0)),
    ("jx-14fyp", "VILLAGE_GIGABIT_SHARE", 2025, "全部行政村实现千兆光纤网络覆盖", "reach", Some(100.0)),
    ("jx-2022-workplan", "DE_VA", 2022, "首次突破万亿元大关", "above", Some(10000.0)),
    ("jx-2022-workplan", "CORE_VA_GDP_SHARE", 2022, "达到7%左右", "about", Some(7.0)),
    ("jx-2022-workplan", "EI_REV", 2022, "突破8000亿元", "above", Some(8000.0)),
    ("jx-2022-workplan", "IOT_REV", 2022, "突破1800亿元", "above", Some(1800.0)),
    ("jx-2022-workplan", "VR_REV", 2022, "突破800亿元", "above", Some(800.0)),
    ("jx-2022-workplan", "CLOUD_ENTERPRISES", 2022, "大幅提升", "qualitative_increase", None),
    ("jx-2022-workplan", "IIDI", 2022, "加快提升", "qualitative_accelerating", None),
    ("jx-2022-workplan", "SMART_FACTORY_NEW", 2022, "打造200个", "reach", Some(200.0)),
    ("jx-2022-workplan", "IIOT_ID_RESOLUTIONS", 2022, "力争达到4亿次", "reach", Some(4.0)),
    ("jx-2022-workplan", "ONLINE_RETAIL", 2022, "突破2000亿元", "above", Some(2000.0)),
    ("jx-2022-workplan", "BS_5G_NEW_BUILT", 2022, "1.4万个以上", "at_least", Some(14000.0)),
    ("jx-2022-workplan", "USERS_5G_NEW", 2022, "突破2000万户", "above", Some(2000.0)),
    ("jx-2022-workplan", "GIGABIT_CITIES_NEW", 2022, "建成3个", "reach", Some(3.0)),
    ("jx-2022-workplan", "PAN_IOT_CONNECTIONS", 2022, "达到3000万", "reach", Some(3000.0)),
    ("jx-2022-workplan", "IPV6_MOBILE_TRAFFIC_SHARE", 2022, "达到40%", "reach", Some(40.0)),
    ("jx-2022-workplan", "IPV6_FIXED_TRAFFIC_SHARE", 2022, "达到10%", "reach", Some(10.0)),
    ("gz-2023-keypoints", "DE_VA", 2023, "2050", "reach", Some(2050.0)),
    ("gz-2023-keypoints", "DE_VA_GROWTH", 2023, "15左右", "about_growth_rate", Some(15.0)),
    ("gz-2023-keypoints", "DE_VA_GDP_SHARE", 2023, "42左右", "about", Some(42.0)),
    ("gz-2023-keypoints", "CORE_VA", 2023, "420", "reach", Some(420.0)),
    ("gz-2023-keypoints", "CORE_VA_GROWTH", 2023, "16左右", "about_growth_rate", Some(16.0)),
    ("gz-2023-keypoints", "CORE_VA_GDP_SHARE", 2023, "8.7", "reach", Some(8.7)),
    ("gz-2023-keypoints", "CORE_ENTERPRISES", 2023, "600", "reach", Some(600.0)),
    ("gz-2023-keypoints", "CORE_REV", 2023, "1600", "reach", Some(1600.0)),
    ("gz-2023-keypoints", "CORE_REV_GROWTH", 2023, "25", "reach_growth_rate", Some(25.0)),
    ("gz-2023-keypoints", "EI_REV", 2023, "2000", "reach", Some(2000.0)),
    ("gz-2023-keypoints", "EI_REV_GROWTH", 2023, "19", "reach_growth_rate", Some(19.0)),
    ("gz-2023-keypoints", "SW_REV", 2023, "6", "reach", Some(6.0)),
    ("gz-2023-keypoints", "SW_REV_GROWTH", 2023, "实现正增长", "positive_growth", None),
    ("gz-2023-keypoints", "RD_GDP_SHARE", 2023, "1.99", "reach", Some(1.99)),
    ("gz-2023-keypoints", "ID_VA", 2023, "1750", "reach", Some(1750.0)),
    ("gz-2023-keypoints", "ID_VA_GDP_SHARE", 2023, "36左右", "about", Some(36.0)),
    ("gz-2023-keypoints", "IIP_PENETRATION", 2023, "15", "reach", Some(15.0)),
    ("gz-2023-keypoints", "IIOT_ID_RESOLUTIONS", 2023, "4", "reach", Some(4.0)),
    ("gz-2023-keypoints", "CLOUD_ENTERPRISES_NEW", 2023, "8000", "reach", Some(8000.0)),
    ("gz-2023-keypoints", "IIMS_CERT_ENTERPRISES", 2023, "50", "reach", Some(50.0)),
    ("gz-2023-keypoints", "IIDI_DEMO_ENT_NEW", 2023, "70", "reach", Some(70.0)),
    ("gz-2023-keypoints", "AGRI_IOT_DEMO_BASES", 2023, "54", "reach", Some(54.0)),
    ("gz-2023-keypoints", "ONLINE_RETAIL", 2023, "700左右", "about", Some(700.0)),
    ("gz-2023-keypoints", "ONLINE_RETAIL_GROWTH", 2023, "15左右", "about_growth_rate", Some(15.0)),
    ("gz-2023-keypoints", "GZT_PROXY_RATE", 2023, "60", "reach", Some(60.0)),
    ("gz-2023-keypoints", "GZT_APPS", 2023, "66", "reach", Some(66.0)),
    ("gz-2023-keypoints", "GFT_STABILITY", 2023, "100", "reach", Some(100.0)),
    ("gz-2023-keypoints", "GFT_SATISFACTION", 2023, "98", "reach", Some(98.0)),
    ("gz-2023-keypoints", "DATA_SHARING_SCORE", 2023, "97.3", "reach", Some(97.3)),
    ("gz-2023-keypoints", "BS_5G_PER_10K", 2023, "19", "reach", Some(19.0)),
    ("gz-2023-keypoints", "GIGABIT_APPS", 2023, "35", "reach", Some(35.0)),
    ("gz-2023-keypoints", "BB_500M_SHARE", 2023, "40", "reach", Some(40.0)),
    ("gz-2023-keypoints", "MIOT_USERS_POP_SHARE", 2023, "32", "reach", Some(32.0)),
    ("gz-2023-keypoints", "DC_PUE", 2023, "1.5以下", "at_most", Some(1.5)),
    ("gz-2023-keypoints", "DE_KEY_PROJECTS", 2023, "110", "reach", Some(110.0)),
    ("gz-2023-keypoints", "DE_KEY_PROJECTS_PLANNED_INV", 2023, "665", "reach", Some(665.0)),
    ("gz-2023-keypoints", "DE_PROJECTS_ATTRACTED", 2023, "285", "reach", Some(285.0)),
    ("gz-2023-keypoints", "DE_PROJECTS_FUNDS_IN", 2023, "260", "reach", Some(260.0)),
    ("gz-2023-keypoints", "DE_CITY_TOP100_RANK", 2023, "实现进位赶超", "qualitative_rank_up", None),
    ("gz-14fyp", "CORE_VA", 2023, "370", "reach", Some(370.0)),
    ("gz-14fyp", "CORE_VA", 2025, "500", "reach", Some(500.0)),
    ("gz-14fyp", "CORE_VA_GDP_SHARE", 2023, "8.3%", "reach", Some(8.3)),
    ("gz-14fyp", "CORE_VA_GDP_SHARE", 2025, "9.6%", "reach", Some(9.6)),
    ("gz-14fyp", "CORE_ENTERPRISES", 2023, "500", "reach", Some(500.0)),
    ("gz-14fyp", "CORE_ENTERPRISES", 2025, "1000", "reach", Some(1000.0)),
    ("gz-14fyp", "CORE_REV_01", 2023, "1000", "reach", Some(1000.0)),
    ("gz-14fyp", "CORE_REV_01", 2025, "1400", "reach", Some(1400.0)),
    ("gz-14fyp", "CORE_REV_02_03_04", 2023, "合计约200", "about", Some(200.0)),
    ("gz-14fyp", "CORE_REV_02_03_04", 2025, "合计约300", "about", Some(300.0)),
    ("gz-14fyp", "CORE_RD_PLATFORMS", 2023, "12", "reach", Some(12.0)),
    ("gz-14fyp", "CORE_RD_PLATFORMS", 2025, "30", "reach", Some(30.0)),
    ("gz-14fyp", "RD_GDP_SHARE", 2023, "2.0", "reach", Some(2.0)),
    ("gz-14fyp", "RD_GDP_SHARE", 2025, "2.5", "reach", Some(2.5)),
    ("gz-14fyp", "PATENTS_PER_10K", 2023, "3.6", "reach", Some(3.6)),
    ("gz-14fyp", "PATENTS_PER_10K", 2025, "4.5", "reach", Some(4.5)),
    ("gz-14fyp", "IIMS_CERT_ENTERPRISES", 2023, "27", "reach", Some(27.0)),
    ("gz-14fyp", "IIMS_CERT_ENTERPRISES", 2025, "30", "reach", Some(30.0)),
    ("gz-14fyp", "DIGITAL_RD_TOOL_RATE", 2023, ">60", "above", Some(60.0)),
    ("gz-14fyp", "DIGITAL_RD_TOOL_RATE", 2025, ">80", "above", Some(80.0)),
    ("gz-14fyp", "PROD_EQUIP_DIGITAL_RATE", 2023, ">40", "above", Some(40.0)),
    ("gz-14fyp", "PROD_EQUIP_DIGITAL_RATE", 2025, ">75", "above", Some(75.0)),
    ("gz-14fyp", "INDUSTRY_INNOV_PLATFORMS", 2023, "新增2-3个", "increase", Some(2.0)),
    ("gz-14fyp", "INDUSTRY_INNOV_PLATFORMS", 2025, "新增3个以上", "increase_at_least", Some(3.0)),
    ("gz-14fyp", "CLOUD_ENTERPRISES", 2023, "6000", "reach", Some(6000.0)),
    ("gz-14fyp", "CLOUD_ENTERPRISES", 2025, "7000", "reach", Some(7000.0)),
    ("gz-14fyp", "AGRI_IOT_BASES", 2023, "100", "reach", Some(100.0)),
    ("gz-14fyp", "AGRI_IOT_BASES", 2025, "120", "reach", Some(120.0)),
    ("gz-14fyp", "AGRI_INFO_LEVEL", 2023, "60", "reach", Some(60.0)),
    ("gz-14fyp", "AGRI_INFO_LEVEL", 2025, "75", "reach", Some(75.0)),
    ("gz-14fyp", "ONLINE_RETAIL", 2023, "600", "reach", Some(600.0)),
    ("gz-14fyp", "ONLINE_RETAIL", 2025, "750", "reach", Some(750.0)),
    ("gz-14fyp", "GFT_DAU", 2023, "30", "reach", Some(30.0)),
    ("gz-14fyp", "GFT_DAU", 2025, "80", "reach", Some(80.0)),
    ("gz-14fyp", "GZT_DAU_RATE", 2023, "35", "reach", Some(35.0)),
    ("gz-14fyp", "GZT_DAU_RATE", 2025, "60", "reach", Some(60.0)),
    ("gz-14fyp", "ONLINE_SERVICE_RATE", 2023, "98", "reach", Some(98.0)),
    ("gz-14fyp", "ONLINE_SERVICE_RATE", 2025, "100", "reach", Some(100.0)),
    ("gz-14fyp", "BS_5G_OPEN", 2023, "15000", "reach", Some(15000.0)),
    ("gz-14fyp", "BS_5G_OPEN", 2025, "20000", "reach", Some(20000.0)),
    ("gz-14fyp", "MIOT_TERMINALS", 2023, "250", "reach", Some(250.0)),
    ("gz-14fyp", "MIOT_TERMINALS", 2025, "280", "reach", Some(280.0)),
    ("jx-14fyp", "DE_HQ_INNOV_PLATFORMS", 2025, "建成100个以上", "at_least", Some(100.0)),
    ("jx-14fyp", "DE_NEW_RD_INSTITUTES", 2025, "10所左右", "about", Some(10.0)),
    ("jx-14fyp", "DE_TOP_TALENT", 2025, "100名左右", "about", Some(100.0)),
    ("jx-14fyp", "DE_ENTREPRENEURS_TRAINED", 2025, "500名左右", "about", Some(500.0)),
    ("jx-14fyp", "DIGITAL_ENGINEERS_TRAINED", 2025, "20000名以上", "at_least", Some(20000.0)),
    ("jx-14fyp", "HIGH_GROWTH_TECH_ENT_INCUBATED", 2025, "20家", "reach", Some(20.0)),
    ("jx-14fyp", "SRDI_ENT_DE_ANNUAL", 2025, "100家", "reach", Some(100.0)),
    ("jx-14fyp", "TECH_SME_DE_ANNUAL", 2025, "100家", "reach", Some(100.0)),
    ("jx-14fyp", "CLOUD_BENCHMARK_ENT", 2025, "100家", "reach", Some(100.0)),
    ("jx-14fyp", "NET_CLOUD_ENTERPRISES", 2025, "8万家", "reach", Some(80000.0)),
    ("jx-14fyp", "MFG_EQUIP_ONLINE", 2025, "达到10万台/套以上", "at_least", Some(10.0)),
    ("jx-14fyp", "MFG_EQUIP_SMART_MGMT", 2025, "20000台(套)以上", "at_least", Some(20000.0)),
    ("jx-14fyp", "SMART_FACTORIES", 2025, "2000个以上", "at_least", Some(2000.0)),
    ("jx-14fyp", "SMART_EQUIP_PRODUCTS_PROMOTED", 2025, "100个以上", "at_least", Some(100.0)),
    ("jx-14fyp", "SMART_MFG_PUBLIC_PLATFORMS", 2025, "10个以上", "at_least", Some(10.0)),
    ("jx-14fyp", "AGRI_IOT_DEMO_BASES", 2025, "达到300个以上", "at_least", Some(300.0)),
    ("jx-14fyp", "DIGITAL_AGRI_BASES", 2025, "10个", "reach", Some(10.0)),
    ("jx-14fyp", "AGRI_COLD_CHAIN_DIGITAL", 2025, "2000个", "reach", Some(2000.0)),
    ("jx-14fyp", "CBEC_ZONES", 2025, "新增2—3个", "increase", Some(2.0)),
    ("jx-14fyp", "CBEC_PARKS_PROV", 2025, "20个", "reach", Some(20.0)),
    ("jx-14fyp", "CBEC_LEADING_ENT", 2025, "20家", "reach", Some(20.0)),
    ("jx-14fyp", "CBEC_TX", 2025, "达到1000亿元", "reach", Some(1000.0)),
    ("jx-14fyp", "LOGISTICS_INFO_RATE", 2025, "达到90%以上", "at_least", Some(90.0)),
    ("jx-14fyp", "SMART_DEMO_WAREHOUSES", 2025, "达到10家", "reach", Some(10.0)),
    ("jx-14fyp", "DE_MAIN_TRACKS_PER_LOCALITY", 2025, "1-2条", "between", None),
    ("jx-14fyp", "DE_CLUSTERS", 2025, "100个", "reach", Some(100.0)),
    ("jx-14fyp", "SMART_COMMUNITY_MODELS", 2025, "建成20个", "reach", Some(20.0)),
    ("jx-14fyp", "DIGITAL_VILLAGE_PILOTS", 2025, "完成20个", "reach", Some(20.0)),
    ("jx-14fyp", "MASTER_TEACHER_CLASSES", 2025, "8000个", "reach", Some(8000.0)),
    ("jx-14fyp", "ONLINE_CLASS_DEMO_SCHOOLS", 2025, "1000所", "reach", Some(1000.0)),
    ("jx-14fyp", "UNIV_ONLINE_COURSES", 2025, "500门", "reach", Some(500.0)),
    ("jx-14fyp", "SMART_SCENIC_AREAS", 2025, "50个", "reach", Some(50.0)),
    ("jx-14fyp", "LARGE_DC", 2025, "4个以上", "at_least", Some(4.0)),
    ("jx-14fyp", "LARGE_DC_4CITIES", 2025, "4-5个", "between", None),
    ("jx-14fyp", "BS_5G_BUILT", 2025, "10万个以上", "at_least", Some(100000.0)),
    ("jx-14fyp", "MIOT_APPS_1M", 2025, "打造7个以上", "at_least", Some(7.0)),
    ("jx-14fyp", "NEW_DC_PUE", 2025, "1.3", "reach", Some(1.3)),
    ("jx-14fyp", "IIOT_NODES", 2025, "力争建成20个", "reach", Some(20.0)),
    ("jx-14fyp", "ENT_INTRANET_PILOTS", 2025, "100个", "reach", Some(100.0)),
    ("jx-14fyp", "OPEN_DATA_CATALOGS", 2025, "达到1000个以上", "at_least", Some(1000.0)),
    ("jx-2022-workplan", "DE_RD_PROJECTS", 2022, "30个以上", "at_least", Some(30.0)),
    ("jx-2022-workplan", "DE_PROV_STI_PLATFORMS_NEW", 2022, "15个", "reach", Some(15.0)),
    ("jx-2022-workplan", "MIOT_APPS_1M", 2022, "实现5个以上", "at_least", Some(5.0)),
    ("jx-2022-workplan", "DE_INNOV_ENT_NEW", 2022, "100家", "reach", Some(100.0)),
    ("jx-2022-workplan", "DE_BREAKTHROUGH_TRACKS", 2022, "2-3条", "between", None),
    ("jx-2022-workplan", "DE_KEY_ENT_SUPPORTED", 2022, "100个", "reach", Some(100.0)),
    ("jx-2022-workplan", "DE_KEY_ENT_REV_GROWTH", 2022, "20%以上", "at_least_growth_rate", Some(20.0)),
    ("jx-2022-workplan", "DE_KEY_PROJECTS", 2022, "100个", "reach", Some(100.0)),
    ("jx-2022-workplan", "DE_KEY_PROJECTS_INV", 2022, "650亿元以上", "at_least", Some(650.0)),
    ("jx-2022-workplan", "NEWINFRA_PROJECTS", 2022, "296个", "reach", Some(296.0)),
    ("jx-2022-workplan", "NEWINFRA_INV", 2022, "500亿元以上", "at_least", Some(500.0)),
    ("jx-2022-workplan", "SOE_DIGITAL_DEMO_ENT", 2022, "打造10个", "reach", Some(10.0)),
    ("jx-2022-workplan", "SOE_DIGITAL_UPGRADE", 2022, "100个以上", "at_least", Some(100.0)),
    ("jx-2022-workplan", "SOE_PAN_IOT_CONNECTIONS", 2022, "100万以上", "at_least", Some(100.0)),
    ("jx-2022-workplan", "DIGITAL_DEV_ZONE_BENCHMARKS", 2022, "10个", "reach", Some(10.0)),
    ("jx-2022-workplan", "PARK_CLOUD_CONNECT_RATE", 2022, "达到98%以上", "at_least", Some(98.0)),
    ("jx-2022-workplan", "PARK_CLOUD_ENTERPRISES", 2022, "达到4万家", "reach", Some(40000.0)),
    ("jx-2022-workplan", "IIOT_FIELD_MEETINGS", 2022, "1-2场", "between", None),
    ("jx-2022-workplan", "LIST_RELEASE_EVENTS", 2022, "2次以上", "at_least", Some(2.0)),
    ("jx-2022-workplan", "SCENE_DEMO_ZONES", 2022, "10个左右", "about", Some(10.0)),
    ("jx-2022-workplan", "SCENE_DEMO_PROJECTS", 2022, "60个左右", "about", Some(60.0)),
    ("jx-2022-workplan", "ECOM_DEMO_BASES_PROV", 2022, "30个", "reach", Some(30.0)),
    ("jx-2022-workplan", "CBEC_ZONES", 2022, "5个", "reach", Some(5.0)),
    ("jx-2022-workplan", "SMART_SCENIC_AREAS", 2022, "10个", "reach", Some(10.0)),
    ("jx-2022-workplan", "TOURISM_5G_BENCHMARKS", 2022, "打造30个", "reach", Some(30.0)),
    ("jx-2022-workplan", "DIGITAL_VILLAGE_PILOTS_PROV", 2022, "16个", "reach", Some(16.0)),
    ("jx-2022-workplan", "DV_PILOTS_FARM_ONLINE", 2022, "完成20个", "reach", Some(20.0)),
    ("jx-2022-workplan", "DE_TOP_TALENT", 2022, "20名左右", "about", Some(20.0)),
    ("jx-2022-workplan", "VR_TALENT_TEAMS", 2022, "10个左右", "about", Some(10.0)),
    ("jx-2022-workplan", "GFT_MOBILE_RATE", 2022, "100%", "reach", Some(100.0)),
    ("jx-2022-workplan", "GZT_DAU_RATE", 2022, "突破30%", "above", Some(30.0)),
    ("jx-2022-workplan", "DATA_DEMAND_LIST_RATE", 2022, "80%以上", "at_least", Some(80.0)),
    ("jx-2022-workplan", "DATA_BACKFLOW_PROV", 2022, "超过1亿条", "above", Some(1.0)),
    ("gz-2023-keypoints", "INNOV_SME_DE_ANNUAL", 2023, "20家以上", "at_least", Some(20.0)),
    ("gz-2023-keypoints", "TECH_SME_DE_ANNUAL", 2023, "20家以上", "at_least", Some(20.0)),
    ("gz-2023-keypoints", "DE_LISTED_ENT_NEW", 2023, "2家", "reach", Some(2.0)),
    ("gz-2023-keypoints", "DE_LEADING_TALENT_NEW", 2023, "10名", "reach", Some(10.0)),
    ("gz-2023-keypoints", "DIGITAL_CRAFTSMEN", 2023, "10人", "reach", Some(10.0)),
    ("gz-2023-keypoints", "EIM_REV", 2023, "突破2000亿元", "above", Some(2000.0)),
    ("gz-2023-keypoints", "DEEP_CLOUD_ENT", 2023, "200家以上", "at_least", Some(200.0)),
    ("gz-2023-keypoints", "ABOVE_ENT_CLOUD_RATE", 2023, "80%以上", "at_least", Some(80.0)),
    ("gz-2023-keypoints", "COUNTY_CLOUD_BENCHMARK_ENT", 2023, "2-3家", "between", None),
    ("gz-2023-keypoints", "IIP_SECTOR_REGIONAL", 2023, "打造2-3个", "between", None),
    ("gz-2023-keypoints", "IIP_PROV_NEW", 2023, "5家", "reach", Some(5.0)),
    ("gz-2023-keypoints", "SMART_MFG_MATURITY_ASSESSED", 2023, "10家", "reach", Some(10.0)),
    ("gz-2023-keypoints", "SMART_MFG_BENCHMARK_NEW", 2023, "5家以上", "at_least", Some(5.0)),
    ("gz-2023-keypoints", "IIMS_CERT_NEW", 2023, "10家以上", "at_least", Some(10.0)),
    ("gz-2023-keypoints", "IIDL_ASSESSED_ENT", 2023, "1900家", "reach", Some(1900.0)),
    ("gz-2023-keypoints", "DT_PROMO_CENTERS_PROV_NEW", 2023, "1家以上", "at_least", Some(1.0)),
    ("gz-2023-keypoints", "ECOM_DEMO_BASES_PROV_NEW", 2023, "5个以上", "at_least", Some(5.0)),
    ("gz-2023-keypoints", "SMART_FARMS", 2023, "1个", "reach", Some(1.0)),
    ("gz-2023-keypoints", "DIGITAL_AGRI_BASES", 2023, "1个", "reach", Some(1.0)),
    ("gz-2023-keypoints", "CITYWIDE_SERVICE_ITEMS", 2023, "200项", "reach", Some(200.0)),
    ("gz-2023-keypoints", "ONE_THING_ITEMS", 2023, "200项", "reach", Some(200.0)),
    ("gz-2023-keypoints", "ONE_LICENCE_ITEMS", 2023, "130项", "reach", Some(130.0)),
    ("gz-2023-keypoints", "DATA_SHARING_APPS", 2023, "140个以上", "at_least", Some(140.0)),
    ("gz-2023-keypoints", "NEWINFRA_PROJECTS", 2023, "45个", "reach", Some(45.0)),
    ("gz-2023-keypoints", "NEWINFRA_PLANNED_INV", 2023, "70亿元", "reach", Some(70.0)),
    ("gz-2023-keypoints", "MAJOR_DE_PROJECTS_2B", 2023, "20个", "reach", Some(20.0)),
    ("gz-2023-keypoints", "BS_5G_NEW_BUILT", 2023, "3000个", "reach", Some(3000.0)),
    ("gz-2023-keypoints", "FTTH_GIGABIT_HOME_COVERAGE", 2023, "300%", "reach", Some(300.0)),
    ("gz-2023-keypoints", "IPV6_FIXED_TRAFFIC_SHARE", 2023, "15%以上", "at_least", Some(15.0)),
    ("gz-2023-keypoints", "GOV_WEB_IPV6_LINK_RATE", 2023, "达到100%", "reach", Some(100.0)),
    ("gz-2023-keypoints", "CITY_LIST_BATCHES", 2023, "4批次", "reach", Some(4.0)),
    ("gz-2023-keypoints", "DT_DEMO_SCENES", 2023, "30个", "reach", Some(30.0)),
    ("gz-2023-keypoints", "PROV_LIST_ENTRIES", 2023, "80个", "reach", Some(80.0)),
    ("gz-2023-keypoints", "PROV_DEMO_SCENES", 2023, "5个", "reach", Some(5.0)),
    ("gz-2023-keypoints", "DE_TRAINING_EVENTS_EACH", 2023, "2场以上", "at_least", Some(2.0)),
    ("gz-14fyp", "XC_LEADING_ENT_ATTRACTED", 2023, "20家以上", "at_least", Some(20.0)),
    ("gz-14fyp", "XC_CATALOGUE_PRODUCT_ENT", 2023, "1家以上", "at_least", Some(1.0)),
    ("gz-14fyp", "XC_ENT_REV_ABOVE_1B", 2025, "2-3家", "between", None),
    ("gz-14fyp", "XC_INNOV_SME", 2025, "30家以上", "at_least", Some(30.0)),
    ("gz-14fyp", "PCB_LEADING_ENT_ATTRACTED", 2023, "3家以上", "at_least", Some(3.0)),
    ("gz-14fyp", "DISPLAY_LEADING_ENT_ATTRACTED", 2023, "3家以上", "at_least", Some(3.0)),
    ("gz-14fyp", "PCB_LEADING_ENT_ATTRACTED", 2025, "6家以上", "at_least", Some(6.0)),
    ("gz-14fyp", "DISPLAY_LEADING_ENT_ATTRACTED", 2025, "6家以上", "at_least", Some(6.0)),
    ("gz-14fyp", "COMPONENT_MFG_ENT", 2023, "30家以上", "at_least", Some(30.0)),
    ("gz-14fyp", "COMPONENT_MFG_ENT", 2025, "50家以上", "at_least", Some(50.0)),
    ("gz-14fyp", "COMPONENT_RD_NATL", 2025, "1家以上", "at_least", Some(1.0)),
    ("gz-14fyp", "SW_ENT_ATTRACTED", 2023, "20家以上", "at_least", Some(20.0)),
    ("gz-14fyp", "SW_PUBLIC_PLATFORMS", 2023, "建成1-2个", "between", None),
    ("gz-14fyp", "SW_BRANDS", 2025, "打造3-5个", "between", None),
    ("gz-14fyp", "SW_EXCELLENT_PRODUCTS", 2025, "累计新增10个以上", "increase_at_least", Some(10.0)),
    ("gz-14fyp", "BDS_LEADING_ENT", 2023, "3家以上", "at_least", Some(3.0)),
    ("gz-14fyp", "BDS_ENTERPRISES", 2023, "达20家以上", "at_least", Some(20.0)),
    ("gz-14fyp", "BDS_APP_DEMOS", 2025, "5个以上", "at_least", Some(5.0)),
    ("gz-14fyp", "BLOCKCHAIN_SOLUTION_PROVIDERS", 2025, "15-20家", "between", None),
    ("gz-14fyp", "AI_LEADING_ENT_ATTRACTED", 2023, "3家以上", "at_least", Some(3.0)),
    ("gz-14fyp", "AI_INNOV_ENT", 2025, "30家以上", "at_least", Some(30.0)),
    ("gz-14fyp", "BS_5G_RF_LEADING_ENT", 2023, "1-2家", "between", None),
    ("gz-14fyp", "ENT_5G_SUPPORTING", 2023, "10家以上", "at_least", Some(10.0)),
    ("gz-14fyp", "ENT_5G_RELATED", 2023, "15家以上", "at_least", Some(15.0)),
    ("gz-14fyp", "MINE_5G_COVERAGE_SHARE", 2025, "80%", "reach", Some(80.0)),
    ("gz-14fyp", "BLOCKCHAIN_SOLUTIONS", 2025, "不少于50项", "at_least", Some(50.0)),
];

fn number(m: &Meaning) -> Option<f64> {
    match *m {
        Meaning::Reach(x) | Meaning::AtLeast(x) | Meaning::Above(x) | Meaning::AtMost(x) | Meaning::Below(x) | Meaning::About(x) => Some(x),
        Meaning::Increase { min, .. } => Some(min),
        _ => None,
    }
}

#[test]
fn every_target_text_of_the_dataset_parses_to_the_listed_meaning() {
    let inputs = common::shipped();
    let parsed = parse_all(&inputs).expect("every shipped target text parses");
    assert_eq!(parsed.len(), EXPECTED.len(), "one row per target");
    for ((t, p), (plan, code, year, text, kind, value)) in parsed.iter().zip(EXPECTED) {
        let at = format!("{plan} {code} {year}");
        assert_eq!((t.plan_id.as_str(), t.indicator_code.as_str(), t.target_year), (*plan, *code, *year), "{at}");
        assert_eq!(p.text, *text, "{at}: the original text is kept");
        assert_eq!(p.kind(), *kind, "{at}: {p}");
        assert_eq!(number(&p.meaning), *value, "{at}: {p}");
    }
}

#[test]
fn the_readings_that_decide_something_say_so() {
    let inputs = common::shipped();
    let parsed = parse_all(&inputs).unwrap();
    let find = |plan: &str, code: &str| &parsed.iter().find(|(t, _)| t.plan_id == plan && t.indicator_code == code).unwrap().1;
    // 万 with an indicator counted in 个: converted, and the note says so.
    let p = find("jx-2022-workplan", "BS_5G_NEW_BUILT");
    assert_eq!(p.meaning, Meaning::AtLeast(14000.0));
    assert!(p.notes.iter().any(|n| n.contains("1.4万个 = 14000 个")), "{p}");
    // 万亿元 without a number, for an indicator in 亿元.
    let p = find("jx-2022-workplan", "DE_VA");
    assert_eq!(p.meaning, Meaning::Above(10000.0));
    assert!(p.notes.iter().any(|n| n.contains("1万亿元 = 10000 亿元")) && p.notes.iter().any(|n| n.contains("首次")), "{p}");
    // A growth rate and a sum of parts.
    assert!(find("gz-2023-keypoints", "DE_VA_GROWTH").notes.iter().any(|n| n.contains("DE_VA")));
    assert!(find("gz-14fyp", "CORE_REV_02_03_04").notes.iter().any(|n| n.contains("CORE_REV_02 + CORE_REV_03 + CORE_REV_04")));
    // 100 % is the ceiling of a rate.
    assert!(find("jx-14fyp", "CROSS_PROV_SERVICE_RATE").notes.iter().any(|n| n.contains("ceiling")));
    // Qualitative texts are kinds with a rule, not skipped.
    assert_eq!(find("jx-2022-workplan", "CLOUD_ENTERPRISES").meaning, Meaning::Qualitative(Qualitative::Increase { adverb: "大幅".into() }));
    assert_eq!(find("gz-2023-keypoints", "DE_CITY_TOP100_RANK").meaning, Meaning::Qualitative(Qualitative::RankUp));
}

#[test]
fn an_unparseable_target_text_is_an_error_quoting_it() {
    let mut inputs = common::shipped();
    inputs.targets[3].target_text = "再创新高".into();
    inputs.targets[7].target_text = "突破2000万户".into(); // EQUIP_NC_RATE is in %
    let e = progress(&inputs, "2022".parse().unwrap(), &Rules::default()).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    let msg = e.to_string();
    assert!(msg.contains("无法解析目标 / cannot parse target `再创新高` (indicator SW_REV)"), "{msg}");
    assert!(msg.contains("`突破2000万户`") && msg.contains("`万户`") && msg.contains("`%`"), "{msg}");
    assert!(matches!(e.0[0], Problem::Wording(_)));
}

#[test]
fn bounds_written_before_the_number_and_short_verbs_read() {
    let count = common::indicator("N", "项");
    let rate = common::indicator("R", "%");
    assert_eq!(parse_target("不少于50项", &count).unwrap().meaning, Meaning::AtLeast(50.0));
    assert_eq!(parse_target("不低于90%", &rate).unwrap().meaning, Meaning::AtLeast(90.0));
    assert_eq!(parse_target("不高于1.3", &rate).unwrap().meaning, Meaning::AtMost(1.3));
    assert_eq!(parse_target("不超过5项", &count).unwrap().meaning, Meaning::AtMost(5.0));
    assert_eq!(parse_target("达19项", &count).unwrap().meaning, Meaning::Reach(19.0));
    let p = parse_target("累计新增10项以上", &count).unwrap();
    assert_eq!(p.meaning, Meaning::Increase { min: 10.0, max: None });
    assert!(p.notes.iter().any(|n| n.contains("累计")), "{p}");
    // A bound before the number and another after it contradict each other.
    assert!(parse_target("不少于50项以上", &count).is_err());
}
